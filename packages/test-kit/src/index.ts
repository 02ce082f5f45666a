export { CORPUS_ENV, CORPUS_MISSING, findCorpus, readCorpusTable } from './corpus.js';
export type { TsvRow } from './corpus.js';
export { pinnedExiftool } from './exiftool-paths.js';
export type { PinnedExiftool } from './exiftool-paths.js';
export { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, encodeEventKey, startLocalS3 } from './local-s3.js';
export type { LocalS3, LocalS3Options } from './local-s3.js';
export { createObjectStateStandIns } from './object-state-stand-ins.js';
export type { ObjectStateStandInOptions, ObjectStateStandIns } from './object-state-stand-ins.js';
export { seededRandom, startFaultProxy } from './fault-proxy.js';
export type { FaultKind, FaultPlan, FaultProxy, FaultProxyOptions, FaultProxyStats, ProxiedRequest } from './fault-proxy.js';
export { FfmpegError, LargeMediaError, makeLargeJpeg, makeLargeMp4, makeSparseFile } from './large-media.js';
export type { LargeMediaFile, LargeMp4Options } from './large-media.js';
export { LambdaRuntimeError, LambdaRuntimeStoppedError, startLambdaRuntime } from './lambda-runtime.js';
export type {
  LambdaCredentials,
  LambdaFunctionError,
  LambdaInvocationResult,
  LambdaInvokeOptions,
  LambdaLogLine,
  LambdaRuntime,
  LambdaRuntimeOptions,
  LambdaRuntimeStats,
  LambdaWorkerInfo,
} from './lambda-runtime.js';
export { functionNameOf, startLambdaInvokeEndpoint } from './lambda-invoke-endpoint.js';
export {
  LAMBDA_ASYNC_FIRST_RETRY_DELAY_MS,
  LAMBDA_ASYNC_MAX_RETRIES,
  asyncRetryDelayMs,
  invokeAsynchronously,
  normalizeAsyncRetryOptions,
} from './lambda-async-retries.js';
export type { AsyncInvocationOutcome, AsyncRetryOptions } from './lambda-async-retries.js';
export {
  commandLine,
  descendantPids,
  killProcessTree,
  processTable,
  processTree,
  residentBytes,
  treeResidentBytes,
  waitUntilGone,
} from './process-tree.js';
export type { ProcessEntry } from './process-tree.js';
export type { LambdaFailureRecord, LambdaInvokeEndpoint, LambdaInvokeEndpointOptions } from './lambda-invoke-endpoint.js';
export { EXIFTOOL_SERVER_SCRIPT, FUNCTION_BUNDLE_DIR, startLocalPipeline } from './local-pipeline.js';
export type { FailureRecord, LocalPipeline, LocalPipelineOptions } from './local-pipeline.js';
export {
  BATCH_REPORT_SCHEMA,
  BatchOperationsError,
  batchManifestLine,
  completionReportRow,
  parseBatchManifest,
  runBatchOperationsJob,
} from './batch-operations.js';
export type {
  BatchManifestEntry,
  BatchOperationsJobOptions,
  BatchOperationsJobResult,
  BatchReportOptions,
  BatchResultCode,
  BatchTaskOutcome,
} from './batch-operations.js';
export { startS3ControlEndpoint } from './s3-control-endpoint.js';
export type { S3ControlEndpoint, S3ControlEndpointOptions, S3ControlJob, S3ControlRequest } from './s3-control-endpoint.js';
