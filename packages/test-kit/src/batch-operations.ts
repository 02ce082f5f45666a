/**
 * A STAND-IN for S3 Batch Operations' "Invoke AWS Lambda function" job, minimal, for tests: the
 * service cannot run here. It reads a CSV manifest, invokes the function through a local Lambda
 * runtime once per object with invocation schema 2.0, retries tasks the function answers with
 * `TemporaryFailure`, and writes a completion report in AWS's CSV format.
 *
 * What AWS documents and this follows:
 * - Manifest: CSV rows `bucket,key[,versionId]`, keys URL-encoded, no header
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html#specify-batchjob-manifest).
 * - Invocation schema 2.0: `job.userArguments`, tasks with `s3Bucket` (a name, not an ARN), `s3Key`,
 *   `s3VersionId`; the response's `results[].resultCode` is `Succeeded`, `TemporaryFailure` or
 *   `PermanentFailure`; S3 retries a `TemporaryFailure` task, the others are final
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html).
 *   Batch Operations invokes the function synchronously, one task per invocation
 *   (https://docs.aws.amazon.com/lambda/latest/dg/services-s3-batch.html).
 * - Completion report: `<prefix>/job-<id>/manifest.json` (format `Report_CSV_20180820`) naming
 *   CSV result files under `job-<id>/results/`, rows `Bucket,Key,VersionId,TaskStatus,ErrorCode,
 *   HTTPStatusCode,ResultMessage` written as AWS's examples show them (`succeeded,200,,message`;
 *   `failed,200,PermanentFailure,message`)
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html).
 *
 * Not modelled: how many times AWS retries a `TemporaryFailure` (not documented; here
 * `maxTemporaryFailureRetries`), the job failure threshold, job states other than Active ->
 * Complete, manifests in S3 Inventory or JSON format, the invocation rate AWS chooses (here
 * `concurrency` tasks at a time).
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import pMap from 'p-map';
import type { LambdaRuntime } from './lambda-runtime.js';

/**
 * One manifest row: the bucket, the decoded key and the version, if any.
 *
 * @example
 * ```ts
 * const entry: BatchManifestEntry = { bucket: 'photos', key: '2019/IMG 1.jpg' };
 * ```
 */
export interface BatchManifestEntry {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/**
 * A task's result code, as the function answers it (`PermanentFailure` too for a function error).
 *
 * @example
 * ```ts
 * if (outcome.resultCode === 'TemporaryFailure') retry();
 * ```
 */
export type BatchResultCode = 'Succeeded' | 'TemporaryFailure' | 'PermanentFailure';

/**
 * How one task ended: the object, `succeeded`/`failed`, the last result code and message, attempts.
 *
 * @example
 * ```ts
 * const failed = job.tasks.filter((task) => task.status === 'failed').map((task) => task.key);
 * ```
 */
export interface BatchTaskOutcome extends BatchManifestEntry {
  readonly taskId: string;
  readonly status: 'succeeded' | 'failed';
  /** The function's last result code (`PermanentFailure` for a function error). */
  readonly resultCode: BatchResultCode;
  /** The function's `resultString`, or the function error's message. */
  readonly resultMessage: string;
  /** Invocations made for this task (1 + retries). */
  readonly attempts: number;
}

/**
 * Where and what the completion report holds.
 *
 * @example
 * ```ts
 * const report: BatchReportOptions = { bucket: 'reports', prefix: 'backfill', scope: 'FailedTasksOnly' };
 * ```
 */
export interface BatchReportOptions {
  readonly bucket: string;
  /** Key prefix; the report goes under `<prefix>/job-<id>/`. @default '' */
  readonly prefix?: string;
  /** @default 'AllTasks' */
  readonly scope?: 'AllTasks' | 'FailedTasksOnly';
}

/**
 * A job for {@link runBatchOperationsJob}. Delays in milliseconds.
 *
 * @example
 * ```ts
 * const options: BatchOperationsJobOptions = { runtime, s3: client, manifest: { bucket: 'manifests', key: 'job.csv' } };
 * ```
 */
export interface BatchOperationsJobOptions {
  /** The function (a local Lambda runtime). */
  readonly runtime: LambdaRuntime;
  /** The client that reads the manifest and writes the report (the local S3 server's). */
  readonly s3: S3Client;
  /** The manifest: its CSV text, or where it lies in S3. */
  readonly manifest: { readonly csv: string } | { readonly bucket: string; readonly key: string };
  /** @default no report */
  readonly report?: BatchReportOptions;
  /** @default a new UUID */
  readonly jobId?: string;
  /** `job.userArguments` of schema 2.0 (AWS: at most 10 entries). */
  readonly userArguments?: Readonly<Record<string, string>>;
  /** Tasks invoked at once. @default 4 */
  readonly concurrency?: number;
  /** Retries of a task answered `TemporaryFailure`. @default 2 */
  readonly maxTemporaryFailureRetries?: number;
  /** Wait before retry n is n times this. @default 100 */
  readonly retryDelayMs?: number;
  /** Called after every invocation (retries included), e.g. to lift an injected fault. */
  readonly onAttempt?: (entry: BatchManifestEntry, resultCode: BatchResultCode, attempt: number) => void;
}

/**
 * What the job did: counts, every task, and where the report's manifest.json is.
 *
 * @example
 * ```ts
 * const { succeeded, failed, reportManifestKey } = await runBatchOperationsJob(options);
 * ```
 */
export interface BatchOperationsJobResult {
  readonly jobId: string;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly tasks: readonly BatchTaskOutcome[];
  /** Key of the report's `manifest.json`, when a report was asked for. */
  readonly reportManifestKey?: string;
}

/**
 * A bad manifest line, a missing manifest, or a function answer that is not a schema 2.0 response.
 *
 * @example
 * ```ts
 * await runBatchOperationsJob(options).catch((error) => { if (error instanceof BatchOperationsError) console.error(error.message); throw error; });
 * ```
 */
export class BatchOperationsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BatchOperationsError';
  }
}

/**
 * The report's CSV columns, in AWS's order (its `manifest.json`'s `ReportSchema`).
 *
 * @example
 * ```ts
 * BATCH_REPORT_SCHEMA.split(', ')[3]; // 'TaskStatus'
 * ```
 */
export const BATCH_REPORT_SCHEMA = 'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage';

/**
 * Parses a CSV manifest: `bucket,key[,versionId]` a line, keys URL-encoded (`+` not special).
 *
 * @throws {BatchOperationsError} naming the row for a row without bucket or key, or with bad encoding
 * @example
 * ```ts
 * parseBatchManifest('photos,2019%2FIMG%201.jpg\n'); // [{ bucket: 'photos', key: '2019/IMG 1.jpg' }]
 * ```
 */
export function parseBatchManifest(csv: string): BatchManifestEntry[] {
  let rows: string[][];
  try {
    rows = parse(csv, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw new BatchOperationsError(`the manifest is not CSV: ${(error as Error).message}`, { cause: error });
  }
  return rows.map(([bucket, encodedKey, versionId], index) => {
    const number = index + 1;
    if (!bucket || !encodedKey) throw new BatchOperationsError(`manifest row ${number}: expected "bucket,key[,versionId]", got ${JSON.stringify(rows[index])}`);
    let key: string;
    try {
      key = decodeURIComponent(encodedKey);
    } catch (error) {
      throw new BatchOperationsError(`manifest row ${number}: key is not URL-encoded: ${encodedKey}`, { cause: error });
    }
    return { bucket, key, ...(versionId ? { versionId } : {}) };
  });
}

/**
 * Writes the manifest line for an object (the inverse of {@link parseBatchManifest}).
 *
 * @example
 * ```ts
 * batchManifestLine({ bucket: 'photos', key: 'a b.jpg' }); // 'photos,a%20b.jpg'
 * ```
 */
export function batchManifestLine(entry: BatchManifestEntry): string {
  const key = encodeURIComponent(entry.key).replace(/%2F/g, '/');
  return [entry.bucket, key, ...(entry.versionId ? [entry.versionId] : [])].join(',');
}

/**
 * Runs the job to the end: every manifest object invoked, `TemporaryFailure` retried, the report
 * written. Resolves with every task's outcome; a function that fails is a failed task, not a rejection.
 *
 * @throws {BatchOperationsError} for a manifest that cannot be read or parsed, or a function
 *   response that is not a schema 2.0 result for the task
 * @throws {TypeError} for out-of-range options
 * @example
 * ```ts
 * const job = await runBatchOperationsJob({ runtime, s3: client, manifest: { csv: 'uploads,a.jpg' }, report: { bucket: 'reports', prefix: 'backfill' } });
 * console.log(job.succeeded, job.failed, job.reportManifestKey);
 * ```
 */
export async function runBatchOperationsJob(options: BatchOperationsJobOptions): Promise<BatchOperationsJobResult> {
  const concurrency = options.concurrency ?? 4;
  const maxRetries = options.maxTemporaryFailureRetries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 100;
  for (const [name, value, minimum] of [['concurrency', concurrency, 1], ['maxTemporaryFailureRetries', maxRetries, 0], ['retryDelayMs', retryDelayMs, 0]] as const) {
    if (!Number.isInteger(value) || value < minimum) throw new TypeError(`${name} must be an integer >= ${minimum}, got ${String(value)}`);
  }
  const jobId = options.jobId ?? randomUUID();
  const entries = parseBatchManifest(await manifestText(options));
  const tasks = await pMap(entries, (entry) => runTask(options, jobId, entry, maxRetries, retryDelayMs), { concurrency });
  const succeeded = tasks.filter((task) => task.status === 'succeeded').length;
  const reportManifestKey = options.report ? await writeCompletionReport(options.s3, options.report, jobId, tasks) : undefined;
  return { jobId, total: tasks.length, succeeded, failed: tasks.length - succeeded, tasks, ...(reportManifestKey ? { reportManifestKey } : {}) };
}

async function manifestText(options: BatchOperationsJobOptions): Promise<string> {
  if ('csv' in options.manifest) return options.manifest.csv;
  const { bucket, key } = options.manifest;
  try {
    const object = await options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await object.Body!.transformToString('utf8');
  } catch (error) {
    throw new BatchOperationsError(`cannot read the manifest s3://${bucket}/${key}`, { cause: error });
  }
}

async function runTask(options: BatchOperationsJobOptions, jobId: string, entry: BatchManifestEntry, maxRetries: number, retryDelayMs: number): Promise<BatchTaskOutcome> {
  const taskId = randomUUID();
  for (let attempt = 1; ; attempt += 1) {
    const invocationId = randomUUID();
    const event = {
      invocationSchemaVersion: '2.0',
      invocationId,
      job: { id: jobId, userArguments: options.userArguments ?? {} },
      tasks: [{ taskId, s3Bucket: entry.bucket, s3Key: encodeURIComponent(entry.key).replace(/%2F/g, '/'), s3VersionId: entry.versionId ?? null }],
    };
    const outcome = await options.runtime.invoke(event);
    let resultCode: BatchResultCode;
    let resultMessage: string;
    if (outcome.error) {
      // A function error fails the task (AWS's report example: "Lambda returned function error").
      resultCode = 'PermanentFailure';
      resultMessage = `Lambda returned function error: ${JSON.stringify({ errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage })}`;
    } else {
      const result = taskResult(outcome.result, invocationId, taskId);
      resultCode = result.resultCode;
      resultMessage = result.resultString;
    }
    options.onAttempt?.(entry, resultCode, attempt);
    if (resultCode !== 'TemporaryFailure' || attempt > maxRetries) {
      return { ...entry, taskId, status: resultCode === 'Succeeded' ? 'succeeded' : 'failed', resultCode, resultMessage, attempts: attempt };
    }
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
  }
}

function taskResult(response: unknown, invocationId: string, taskId: string): { resultCode: BatchResultCode; resultString: string } {
  const body = response as { invocationSchemaVersion?: unknown; invocationId?: unknown; treatMissingKeysAs?: unknown; results?: unknown } | undefined;
  if (body?.invocationId !== invocationId || !Array.isArray(body.results)) {
    throw new BatchOperationsError(`the function's response is not a Batch Operations response for invocation ${invocationId}: ${JSON.stringify(response)?.slice(0, 300)}`);
  }
  const result = (body.results as { taskId?: unknown; resultCode?: unknown; resultString?: unknown }[]).find((item) => item.taskId === taskId);
  if (!result) {
    // A task missing from the results counts as the response's treatMissingKeysAs.
    const code = body.treatMissingKeysAs;
    return { resultCode: code === 'Succeeded' || code === 'TemporaryFailure' ? code : 'PermanentFailure', resultString: '' };
  }
  if (result.resultCode !== 'Succeeded' && result.resultCode !== 'TemporaryFailure' && result.resultCode !== 'PermanentFailure') {
    throw new BatchOperationsError(`unknown resultCode ${JSON.stringify(result.resultCode)} for task ${taskId}`);
  }
  return { resultCode: result.resultCode, resultString: typeof result.resultString === 'string' ? result.resultString : '' };
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (quotes doubled). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The completion report's CSV rows, as AWS writes them (keys URL-encoded).
 *
 * @example
 * ```ts
 * completionReportRow(task); // 'uploads,a.jpg,,succeeded,200,,s3://library/photos/2019-07-15/a.jpg'
 * ```
 */
export function completionReportRow(task: BatchTaskOutcome): string {
  const key = encodeURIComponent(task.key).replace(/%2F/g, '/');
  const errorCode = task.status === 'failed' ? task.resultCode : '';
  return [task.bucket, key, task.versionId ?? '', task.status, '200', errorCode, csvField(task.resultMessage)].join(',');
}

async function writeCompletionReport(s3: S3Client, report: BatchReportOptions, jobId: string, tasks: readonly BatchTaskOutcome[]): Promise<string> {
  const base = `${report.prefix ? `${report.prefix.replace(/\/+$/, '')}/` : ''}job-${jobId}`;
  const results: { TaskExecutionStatus: string; Bucket: string; MD5Checksum: string; Key: string }[] = [];
  for (const status of ['succeeded', 'failed'] as const) {
    if (status === 'succeeded' && report.scope === 'FailedTasksOnly') continue;
    const rows = tasks.filter((task) => task.status === status).map(completionReportRow);
    if (rows.length === 0) continue;
    const body = `${rows.join('\n')}\n`;
    const key = `${base}/results/${createHash('sha1').update(`${jobId}/${status}`).digest('hex')}.csv`;
    await s3.send(new PutObjectCommand({ Bucket: report.bucket, Key: key, Body: body, ContentType: 'text/csv' }));
    results.push({ TaskExecutionStatus: status, Bucket: report.bucket, MD5Checksum: createHash('md5').update(body).digest('hex'), Key: key });
  }
  const manifestKey = `${base}/manifest.json`;
  const manifest = { Format: 'Report_CSV_20180820', ReportCreationDate: new Date().toISOString(), Results: results, ReportSchema: BATCH_REPORT_SCHEMA };
  await s3.send(new PutObjectCommand({ Bucket: report.bucket, Key: manifestKey, Body: JSON.stringify(manifest, null, 2), ContentType: 'application/json' }));
  return manifestKey;
}
