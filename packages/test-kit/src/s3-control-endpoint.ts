/**
 * A STAND-IN for the S3 Control API's Batch Operations calls on 127.0.0.1: the service cannot run
 * here. It answers what `@aws-sdk/client-s3-control` sends for `CreateJob`
 * (`POST /v20180820/jobs`) and `DescribeJob` (`GET /v20180820/jobs/{id}`), records every request
 * (parsed XML included) so tests can check what a client asked for, and, when given the function's
 * local runtime and an S3 client, runs the job with {@link runBatchOperationsJob}: the manifest
 * from the job's manifest generator (source bucket, prefixes, `CreatedAfter`), from a CSV manifest
 * object, or from an S3 Inventory report's `manifest.json`.
 * API reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html and
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DescribeJob.html.
 * Signatures are accepted unchecked. The SDK's endpoint rules put the account id in the host
 * name, so a client reaches this with `endpointProvider: () => ({ url: new URL(endpoint) })`. Not modelled: job states other than
 * New -> Active -> Complete (or Suspended without functions), UpdateJobStatus/Priority, ListJobs,
 * tags, notifications, the job failure threshold.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { XMLParser } from 'fast-xml-parser';
import {
  type BatchManifestEntry,
  type BatchOperationsJobResult,
  type BatchResultCode,
  batchManifestLine,
  parseBatchManifest,
  runBatchOperationsJob,
} from './batch-operations.js';
import { functionNameOf } from './lambda-invoke-endpoint.js';
import type { LambdaRuntime } from './lambda-runtime.js';
import { LOCAL_S3_CREDENTIALS } from './local-s3.js';

/**
 * One request as the stand-in received it (the XML body also parsed).
 *
 * @example
 * ```ts
 * const create = control.requests.find((request) => request.method === 'POST');
 * ```
 */
export interface S3ControlRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** The XML body parsed (element names kept, lists as arrays where AWS repeats them). */
  readonly parsed: unknown;
}

/**
 * What the stand-in serves. Without `runtimes` and `s3` it only records and answers.
 *
 * @example
 * ```ts
 * const options: S3ControlEndpointOptions = { runtimes: { 'photo-organizer': runtime }, s3: localS3.client() };
 * ```
 */
export interface S3ControlEndpointOptions {
  /** The functions a `LambdaInvoke` job may name, by function name. */
  readonly runtimes?: Readonly<Record<string, LambdaRuntime>>;
  /** Reads manifests and sources, writes completion reports. */
  readonly s3?: S3Client;
  /** Tasks invoked at once. @default 4 */
  readonly concurrency?: number;
  /** Retries of a `TemporaryFailure` task. @default 2 */
  readonly maxTemporaryFailureRetries?: number;
  /** @default 50 */
  readonly retryDelayMs?: number;
  /** Called after every task invocation (to lift an injected fault after its first hit...). */
  readonly onAttempt?: (entry: BatchManifestEntry, resultCode: BatchResultCode, attempt: number) => void;
}

/**
 * A job the stand-in knows: its state and task counts, and the runner's result once complete.
 *
 * @example
 * ```ts
 * const job = control.jobs.get(jobId); // { status: 'Complete', succeeded: 2, failed: 0, ... }
 * ```
 */
export interface S3ControlJob {
  readonly jobId: string;
  readonly status: 'Active' | 'Complete' | 'Failed' | 'Suspended';
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly failureReason?: string;
  /** Seconds the job has been (or was) active: DescribeJob's `Timers.ElapsedTimeInActiveSeconds`. */
  readonly elapsedSeconds: number;
  readonly result?: BatchOperationsJobResult;
}

/**
 * A running S3 Control stand-in.
 *
 * @example
 * ```ts
 * const client = new S3ControlClient(control.clientConfig);
 * ```
 */
export interface S3ControlEndpoint {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** For `new S3ControlClient(...)`: an endpoint provider that ignores the account-id host prefix, region, credentials. */
  readonly clientConfig: {
    readonly endpointProvider: () => { readonly url: URL };
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** Every request, oldest first. */
  readonly requests: readonly S3ControlRequest[];
  /** Jobs by id. */
  readonly jobs: ReadonlyMap<string, S3ControlJob>;
  /** Resolves when no job is running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

// Elements S3 Control repeats inside a list: always arrays, even with one item.
const LIST_ELEMENTS = new Set(['member', 'entry', 'Fields', 'MatchAnyPrefix', 'MatchAnySuffix', 'MatchAnySubstring', 'MatchAnyStorageClass', 'Tags']);

/**
 * Starts the S3 Control stand-in on a free port.
 *
 * @throws {Error} the server's `listen` error
 * @example
 * ```ts
 * const control = await startS3ControlEndpoint({ runtimes: { organizer: runtime }, s3: s3.client() });
 * const { JobId } = await new S3ControlClient(control.clientConfig).send(new CreateJobCommand(input));
 * await control.idle();
 * ```
 */
export async function startS3ControlEndpoint(options: S3ControlEndpointOptions = {}): Promise<S3ControlEndpoint> {
  const requests: S3ControlRequest[] = [];
  const jobs = new Map<string, S3ControlJob>();
  const definitions = new Map<string, CreateJobXml>();
  const running = new Set<Promise<void>>();
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => LIST_ELEMENTS.has(name) });

  const send = (response: ServerResponse, status: number, xml: string) =>
    response.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': randomUUID() }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  const sendError = (response: ServerResponse, status: number, code: string, message: string) =>
    send(response, status, `<ErrorResponse><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error></ErrorResponse>`);

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const parsed = body ? (parser.parse(body) as unknown) : undefined;
    requests.push({ method: request.method ?? '', path: url.pathname + url.search, headers: { ...request.headers }, body, parsed });

    if (request.method === 'POST' && url.pathname === '/v20180820/jobs') {
      const job = (parsed as { CreateJobRequest?: CreateJobXml } | undefined)?.CreateJobRequest;
      if (!job?.RoleArn || !job.Operation || !job.ClientRequestToken) {
        return sendError(response, 400, 'InvalidRequest', 'CreateJob needs RoleArn, Operation and ClientRequestToken');
      }
      const jobId = randomUUID();
      const canRun = options.runtimes !== undefined && options.s3 !== undefined;
      jobs.set(jobId, { jobId, status: canRun ? 'Active' : 'Suspended', total: 0, succeeded: 0, failed: 0, elapsedSeconds: 0 });
      definitions.set(jobId, job);
      if (canRun) {
        const run = runJob(jobId, job).finally(() => running.delete(run));
        running.add(run);
      }
      return send(response, 200, `<CreateJobResult><JobId>${jobId}</JobId></CreateJobResult>`);
    }
    const describe = /^\/v20180820\/jobs\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && describe) {
      const job = jobs.get(decodeURIComponent(describe[1]!));
      if (!job) return sendError(response, 404, 'NoSuchJob', `The specified job does not exist: ${describe[1]}`);
      return send(response, 200, describeJobXml(job, definitions.get(job.jobId)));
    }
    sendError(response, 404, 'NotImplemented', `the stand-in does not serve ${request.method} ${url.pathname}`);
  }

  async function runJob(jobId: string, job: CreateJobXml) {
    const s3 = options.s3!;
    const startedAt = performance.now();
    const elapsed = () => Math.max(1, Math.round((performance.now() - startedAt) / 1000));
    try {
      const functionArn = job.Operation?.LambdaInvoke?.FunctionArn ?? '';
      const runtime = options.runtimes![functionNameOf(functionArn)];
      if (!runtime) throw new Error(`no local runtime for function ${functionArn}`);
      const entries = await manifestEntries(s3, job);
      const userArguments = Object.fromEntries((job.Operation?.LambdaInvoke?.UserArguments?.entry ?? []).map((entry) => [entry.key, entry.value]));
      const report = job.Report?.Enabled === 'true' && job.Report.Bucket ? job.Report : undefined;
      const result = await runBatchOperationsJob({
        runtime,
        s3,
        jobId,
        manifest: { csv: entries.map(batchManifestLine).join('\n') },
        userArguments,
        ...(report
          ? { report: { bucket: bucketName(report.Bucket!), prefix: report.Prefix ?? '', scope: report.ReportScope === 'FailedTasksOnly' ? 'FailedTasksOnly' : 'AllTasks' } }
          : {}),
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        ...(options.maxTemporaryFailureRetries !== undefined ? { maxTemporaryFailureRetries: options.maxTemporaryFailureRetries } : {}),
        retryDelayMs: options.retryDelayMs ?? 50,
        ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
      });
      jobs.set(jobId, { jobId, status: 'Complete', total: result.total, succeeded: result.succeeded, failed: result.failed, result, elapsedSeconds: elapsed() });
    } catch (error) {
      jobs.set(jobId, { jobId, status: 'Failed', total: 0, succeeded: 0, failed: 0, failureReason: error instanceof Error ? error.message : String(error), elapsedSeconds: elapsed() });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      sendError(response, 500, 'InternalError', error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    clientConfig: { endpointProvider: () => ({ url: new URL(endpoint) }), region: 'us-east-1', credentials: LOCAL_S3_CREDENTIALS },
    requests,
    jobs,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...running]);
    },
  };
}

interface CreateJobXml {
  readonly RoleArn?: string;
  readonly ClientRequestToken?: string;
  readonly Priority?: string;
  readonly Operation?: { readonly LambdaInvoke?: { readonly FunctionArn?: string; readonly UserArguments?: { readonly entry?: readonly { key: string; value: string }[] } } };
  readonly Report?: { readonly Bucket?: string; readonly Prefix?: string; readonly Enabled?: string; readonly ReportScope?: string; readonly Format?: string };
  readonly Manifest?: { readonly Spec?: { readonly Format?: string }; readonly Location?: { readonly ObjectArn?: string } };
  readonly ManifestGenerator?: {
    readonly S3JobManifestGenerator?: {
      readonly SourceBucket?: string;
      readonly Filter?: { readonly CreatedAfter?: string; readonly CreatedBefore?: string; readonly KeyNameConstraint?: { readonly MatchAnyPrefix?: readonly { member?: readonly string[] }[] } };
    };
  };
}

/** `arn:aws:s3:::name` or a plain name -> the name. */
function bucketName(arnOrName: string): string {
  return arnOrName.replace(/^arn:aws[a-z-]*:s3:::/, '');
}

async function manifestEntries(s3: S3Client, job: CreateJobXml): Promise<BatchManifestEntry[]> {
  const generator = job.ManifestGenerator?.S3JobManifestGenerator;
  if (generator?.SourceBucket) {
    const bucket = bucketName(generator.SourceBucket);
    const prefixes = generator.Filter?.KeyNameConstraint?.MatchAnyPrefix?.flatMap((list) => list.member ?? []) ?? [''];
    const after = generator.Filter?.CreatedAfter ? Date.parse(generator.Filter.CreatedAfter) : undefined;
    const before = generator.Filter?.CreatedBefore ? Date.parse(generator.Filter.CreatedBefore) : undefined;
    const entries: BatchManifestEntry[] = [];
    for (const prefix of prefixes.length > 0 ? prefixes : ['']) {
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix || undefined })) {
        for (const object of page.Contents ?? []) {
          const created = object.LastModified?.getTime() ?? 0;
          if (after !== undefined && created < after) continue;
          if (before !== undefined && created >= before) continue;
          entries.push({ bucket, key: object.Key! });
        }
      }
    }
    return entries;
  }
  const arn = job.Manifest?.Location?.ObjectArn;
  if (!arn) throw new Error('CreateJob has neither ManifestGenerator nor Manifest');
  const [, bucket, key] = /^arn:aws[a-z-]*:s3:::([^/]+)\/(.+)$/.exec(arn) ?? [];
  if (!bucket || !key) throw new Error(`not an S3 object ARN: ${arn}`);
  const text = await readText(s3, bucket, key);
  if (job.Manifest?.Spec?.Format !== 'S3InventoryReport_CSV_20161130') return parseBatchManifest(text);
  // An inventory report: manifest.json names gzipped CSV files whose first columns are "bucket","key".
  const inventory = JSON.parse(text) as { files?: { key: string }[]; sourceBucket?: string };
  const entries: BatchManifestEntry[] = [];
  for (const file of inventory.files ?? []) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: file.key }));
    // Inventory rows start with "bucket","key" (URL-encoded), like a Batch Operations manifest.
    entries.push(...parseBatchManifest(gunzipSync(await object.Body!.transformToByteArray()).toString('utf8')).map(({ bucket: rowBucket, key }) => ({ bucket: rowBucket, key })));
  }
  return entries;
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString('utf8');
}

function describeJobXml(job: S3ControlJob, create: CreateJobXml | undefined): string {
  const report = create?.Report;
  const reportXml = report
    ? `<Report><Bucket>${escapeXml(report.Bucket ?? '')}</Bucket><Format>${report.Format ?? 'Report_CSV_20180820'}</Format><Enabled>${report.Enabled ?? 'false'}</Enabled><Prefix>${escapeXml(report.Prefix ?? '')}</Prefix><ReportScope>${report.ReportScope ?? 'AllTasks'}</ReportScope></Report>`
    : '';
  return (
    `<DescribeJobResult><Job><JobId>${job.jobId}</JobId><Status>${job.status}</Status><Priority>${create?.Priority ?? '0'}</Priority>` +
    `<ProgressSummary><TotalNumberOfTasks>${job.total}</TotalNumberOfTasks><NumberOfTasksSucceeded>${job.succeeded}</NumberOfTasksSucceeded>` +
    `<NumberOfTasksFailed>${job.failed}</NumberOfTasksFailed><Timers><ElapsedTimeInActiveSeconds>${job.elapsedSeconds}</ElapsedTimeInActiveSeconds></Timers></ProgressSummary>${reportXml}` +
    (job.failureReason ? `<FailureReasons><JobFailure><FailureCode>StandIn</FailureCode><FailureReason>${escapeXml(job.failureReason)}</FailureReason></JobFailure></FailureReasons>` : '') +
    `</Job></DescribeJobResult>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
