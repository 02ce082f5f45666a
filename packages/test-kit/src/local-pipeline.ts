import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { pinnedExiftool } from './exiftool-paths.js';
import { invokeAsynchronously, normalizeAsyncRetryOptions } from './lambda-async-retries.js';
import { type LambdaInvocationResult, type LambdaRuntime, startLambdaRuntime } from './lambda-runtime.js';
import { type LocalS3, startLocalS3 } from './local-s3.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Where `pnpm build` puts the function bundle (index.mjs): the runtime's `taskRoot`.
 *
 * @example
 * ```ts
 * await startLambdaRuntime({ taskRoot: FUNCTION_BUNDLE_DIR, handler: 'index.handler' });
 * ```
 */
export const FUNCTION_BUNDLE_DIR = path.join(repoRoot, 'packages/organizer/dist/lambda');
/**
 * The random-access server script the function runs (the layer ships a copy of this file).
 *
 * @example
 * ```ts
 * const environment = { EXIFTOOL_SERVER_SCRIPT };
 * ```
 */
export const EXIFTOOL_SERVER_SCRIPT = path.join(repoRoot, 'packages/exiftool/perl/exiftool-server.pl');

/**
 * The buckets, the function's configuration and Lambda's knobs for `startLocalPipeline()`;
 * durations in milliseconds, memory in megabytes.
 *
 * @example
 * ```ts
 * const options: LocalPipelineOptions = { sourceBucket: 'uploads', destinationBucket: 'library', environment: { DESTINATION_PREFIX: 'photos/' } };
 * ```
 */
export interface LocalPipelineOptions {
  /** Bucket whose ObjectCreated events trigger the function. */
  readonly sourceBucket: string;
  /** Where copies go; may equal sourceBucket (same-bucket mode with prefixes). */
  readonly destinationBucket: string;
  /** The function's configuration (DESTINATION_PREFIX, SOURCE_PREFIX, KEY_TEMPLATE, ...). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Like the S3 notification's filter: which records reach the function. @default every record of sourceBucket */
  readonly filter?: (record: S3EventRecord) => boolean;
  /** Rewrites each delivery (duplicate it, drop it, hold it back...): returns the events to invoke. */
  readonly deliver?: (event: S3Event) => readonly S3Event[];
  /** The endpoint the function talks to, e.g. a fault proxy in front of the server. @default the server */
  readonly functionS3Endpoint?: string;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly memorySizeMb?: number;
  /** Lambda's asynchronous retries after a function error, 0..2 (`MaximumRetryAttempts`). @default 2 */
  readonly asyncRetries?: number;
  /** Milliseconds before the first retry; the second waits twice this (Lambda: 1 and 2 minutes). @default 100 */
  readonly retryDelayMs?: number;
  /** Use an existing server instead of starting one (its buckets must exist). */
  readonly s3?: LocalS3;
  readonly taskRoot?: string;
}

/**
 * An event whose every attempt failed (what Lambda sends to the on-failure destination).
 *
 * @example
 * ```ts
 * for (const { event, attempts, error } of pipeline.failures) console.error(attempts, error.errorType);
 * ```
 */
export interface FailureRecord {
  readonly event: S3Event;
  readonly attempts: number;
  readonly error: { readonly errorType: string; readonly errorMessage: string };
}

/**
 * A running pipeline: its S3 server, its function, what was invoked and what failed.
 *
 * @example
 * ```ts
 * await pipeline.s3.client().send(new PutObjectCommand({ Bucket: 'uploads', Key: 'a.jpg', Body: bytes }));
 * await pipeline.idle();
 * ```
 */
export interface LocalPipeline {
  readonly s3: LocalS3;
  readonly runtime: LambdaRuntime;
  /** Events that failed every attempt: Lambda's on-failure destination. */
  readonly failures: readonly FailureRecord[];
  readonly invocations: readonly LambdaInvocationResult[];
  /** Invoke directly (Batch Operations events, malformed events...). */
  invoke(event: unknown): Promise<LambdaInvocationResult>;
  /** Resolves when every delivered event has finished, retries included. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole pipeline on loopback: the local S3 server's ObjectCreated events are delivered, as S3
 * and Lambda's asynchronous invocation do, to the built function bundle running under the real
 * Lambda runtime interface client, with Lambda's asynchronous retries (`lambda-async-retries.ts`)
 * and an on-failure list.
 *
 * @throws {TypeError} for options out of range (`asyncRetries` above 2...)
 * @throws {LambdaRuntimeError} or the S3 server's error when either cannot start
 * @example
 * ```ts
 * const pipeline = await startLocalPipeline({ sourceBucket: 'uploads', destinationBucket: 'library' });
 * try { ... } finally { await pipeline.stop(); }
 * ```
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const retry = normalizeAsyncRetryOptions('asyncRetries', options.asyncRetries, 'retryDelayMs', options.retryDelayMs, 100);
  const ownServer = !options.s3;
  const s3 = options.s3 ?? (await startLocalS3({ buckets: [...new Set([options.sourceBucket, options.destinationBucket])] }));
  const exiftool = pinnedExiftool();
  const runtime = await startLambdaRuntime({
    taskRoot: options.taskRoot ?? FUNCTION_BUNDLE_DIR,
    handler: 'index.handler',
    concurrency: options.concurrency ?? 2,
    timeoutMs: options.timeoutMs ?? 60_000,
    memorySizeMb: options.memorySizeMb ?? 512,
    functionName: 'photo-organizer',
    environment: {
      DESTINATION_BUCKET: options.destinationBucket,
      S3_ENDPOINT: options.functionS3Endpoint ?? s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      EXIFTOOL_PERL: exiftool.perl,
      EXIFTOOL_LIB: exiftool.libDir,
      EXIFTOOL_SCRIPT: exiftool.script,
      EXIFTOOL_SERVER_SCRIPT: EXIFTOOL_SERVER_SCRIPT,
      ...options.environment,
    },
  });

  const failures: FailureRecord[] = [];
  const invocations: LambdaInvocationResult[] = [];
  let pending = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    pending--;
    if (pending === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };
  const deliverAsync = async (event: S3Event) => {
    const { last, attempts, retriesExhausted } = await invokeAsynchronously(runtime, JSON.stringify(event), {
      maximumRetryAttempts: retry.retries,
      firstRetryDelayMs: retry.firstDelayMs,
      onAttempt: (outcome) => invocations.push(outcome),
    });
    if (retriesExhausted && last?.error) {
      failures.push({ event, attempts, error: { errorType: last.error.errorType, errorMessage: last.error.errorMessage } });
    }
  };
  const filter = options.filter ?? (() => true);
  const unsubscribe = s3.onObjectCreated((event) => {
    const record = event.Records[0];
    if (!record || record.s3.bucket.name !== options.sourceBucket || !filter(record)) return;
    for (const delivery of options.deliver ? options.deliver(event) : [event]) {
      pending++;
      void deliverAsync(delivery).finally(settle);
    }
  });

  return {
    s3,
    runtime,
    failures,
    invocations,
    async invoke(event) {
      const result = await runtime.invoke(event);
      invocations.push(result);
      return result;
    },
    async idle() {
      // S3 delivers events after the upload's response: give deliveries a moment to arrive.
      do {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (pending > 0) await new Promise<void>((resolve) => waiters.push(resolve));
      } while (pending > 0);
    },
    async stop() {
      unsubscribe();
      await runtime.stop();
      if (ownServer) await s3.stop();
    },
  };
}
