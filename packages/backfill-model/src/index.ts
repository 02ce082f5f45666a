/**
 * Time and cost of a backfill: one S3 Batch Operations job invoking the function once per object.
 * Pure arithmetic over (a) per-object figures measured by `make bench` and (b) AWS's published
 * limits and prices, each constant below with its page. Used by `bench/src/backfill-model.ts`
 * (the table for 10k/100k/1M photos) and by `photo-organizer backfill` (the confirmation).
 *
 * Prices are us-east-1, written down November 2026 from the pages named; they are not fetched at
 * run time (no network on the bench machine) and should be re-checked against the pages.
 */

/**
 * Lambda's default concurrent executions per account and Region: 1,000.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_ACCOUNT_CONCURRENCY = 1000;
/**
 * Lambda scales each function by up to 1,000 execution environments every 10 seconds.
 * https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html
 */
export const LAMBDA_SCALING_ENVIRONMENTS_PER_10_SECONDS = 1000;
/**
 * S3: at least 5,500 GET/HEAD requests per second per partitioned prefix.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html
 */
export const S3_GET_HEAD_PER_SECOND_PER_PREFIX = 5500;
/**
 * S3: at least 3,500 PUT/COPY/POST/DELETE requests per second per partitioned prefix (same page).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html
 */
export const S3_PUT_COPY_PER_SECOND_PER_PREFIX = 3500;
/**
 * Batch Operations invokes the function synchronously, one task per invocation; AWS publishes no
 * fixed invocation rate for `LambdaInvoke` jobs, so the model bounds it by the function's
 * concurrency (what the job can keep busy).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-s3-batch.html
 */
export const BATCH_OPERATIONS_RATE_NOTE = 'no published invocation rate: bounded by the function concurrency';
/**
 * Lambda duration, arm64, first 7.5 billion GB-seconds a month: $0.0000133334 per GB-second.
 * https://aws.amazon.com/lambda/pricing/
 */
export const LAMBDA_ARM64_USD_PER_GB_SECOND = 0.0000133334;
/** Lambda requests: $0.20 per million. https://aws.amazon.com/lambda/pricing/ */
export const LAMBDA_USD_PER_REQUEST = 0.2 / 1e6;
/** S3 Standard GET/HEAD and other tier-2 requests: $0.0004 per 1,000. https://aws.amazon.com/s3/pricing/ */
export const S3_GET_HEAD_USD_PER_REQUEST = 0.0004 / 1000;
/** S3 Standard PUT/COPY/POST/LIST requests: $0.005 per 1,000. https://aws.amazon.com/s3/pricing/ */
export const S3_PUT_COPY_LIST_USD_PER_REQUEST = 0.005 / 1000;
/** S3 Batch Operations: $0.25 per job. https://aws.amazon.com/s3/pricing/ (Management & insights) */
export const BATCH_OPERATIONS_USD_PER_JOB = 0.25;
/** S3 Batch Operations: $1.00 per million objects processed. https://aws.amazon.com/s3/pricing/ */
export const BATCH_OPERATIONS_USD_PER_OBJECT = 1 / 1e6;
/** ListObjectsV2 returns at most 1,000 keys a page: the manifest generator's listing cost. https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html */
export const LIST_KEYS_PER_PAGE = 1000;

/**
 * What one object costs the function, as `make bench` measured it. Durations ms, sizes bytes.
 *
 * @example
 * ```ts
 * const figures: PerObjectFigures = { ...MEASURED_PER_OBJECT, memoryMb: 2048 };
 * ```
 */
export interface PerObjectFigures {
  /** Mean time the function spends on one object (HEAD, read, copy). */
  readonly durationMs: number;
  /** The function's memory, for GB-seconds. */
  readonly memoryMb: number;
  /** GET (ranged reads) per object. */
  readonly gets: number;
  readonly heads: number;
  /** CopyObject (and PUT) per object. */
  readonly copies: number;
  /** Bytes read from S3 per object (reported, free inside one Region). */
  readonly bytesRead: number;
  /** Where the figures come from (bench run date, strategy). */
  readonly source: string;
}

/**
 * The default per-object figures: `make bench`, strategy `random-access` (the function's), corpus
 * objects, run of 2026-12-01 (`bench/results/latest.json`); the bench's test checks these against
 * that file. Measured on a shared 2-core machine, not in Lambda: durations there may differ.
 *
 * @example
 * ```ts
 * estimateBackfill(MEASURED_PER_OBJECT, { objects: 54_848 });
 * ```
 */
export const MEASURED_PER_OBJECT: PerObjectFigures = {
  durationMs: 115.2,
  memoryMb: 512,
  gets: 2.009,
  heads: 0.009,
  copies: 0.991,
  bytesRead: 138_458,
  source: 'make bench 2026-12-01, random-access, 234 corpus objects',
};

/**
 * What the model is asked: how many objects, with how much concurrency, over how many prefixes.
 *
 * @example
 * ```ts
 * const scenario: BackfillScenario = { objects: 1_000_000, concurrency: 500 };
 * ```
 */
export interface BackfillScenario {
  readonly objects: number;
  /** Function concurrency available to the job. @default LAMBDA_ACCOUNT_CONCURRENCY */
  readonly concurrency?: number;
  /**
   * Partitioned prefixes the sources and copies spread over (S3 scales per prefix; a fresh
   * bucket starts as one). @default 1 (the worst case)
   */
  readonly prefixes?: number;
}

/**
 * The model's answer; times in seconds, money in US dollars.
 *
 * @example
 * ```ts
 * const { wallSeconds, usd, limitingFactor } = estimateBackfill(MEASURED_PER_OBJECT, { objects: 10_000 });
 * ```
 */
export interface BackfillEstimate {
  readonly objects: number;
  /** Objects per second at steady state. */
  readonly objectsPerSecond: number;
  readonly wallSeconds: number;
  /** Execution environments busy at steady state. */
  readonly peakConcurrency: number;
  readonly limitingFactor: 'lambda-concurrency' | 's3-get-head-rate' | 's3-copy-rate';
  readonly s3Requests: { readonly getHead: number; readonly putCopy: number; readonly list: number; readonly total: number };
  readonly usd: { readonly batchOperations: number; readonly lambdaRequests: number; readonly lambdaDuration: number; readonly s3Requests: number; readonly total: number };
}

/**
 * The time and cost of one Batch Operations job over `scenario.objects` objects.
 *
 * Throughput is the least of: concurrency / duration (Lambda), 5,500 / (GET+HEAD per object) and
 * 3,500 / (COPY per object) per prefix (S3). Wall time adds Lambda's ramp-up (1,000 environments
 * per 10 s) and leaves out the job's preparation (listing), which AWS does not time.
 *
 * @throws {TypeError} for a non-positive object count, concurrency, prefixes or duration
 * @example
 * ```ts
 * const estimate = estimateBackfill(MEASURED_PER_OBJECT, { objects: 1_000_000 });
 * console.log(estimate.wallSeconds, estimate.usd.total, estimate.limitingFactor);
 * ```
 */
export function estimateBackfill(figures: PerObjectFigures, scenario: BackfillScenario): BackfillEstimate {
  const concurrency = scenario.concurrency ?? LAMBDA_ACCOUNT_CONCURRENCY;
  const prefixes = scenario.prefixes ?? 1;
  for (const [name, value] of [['objects', scenario.objects], ['concurrency', concurrency], ['prefixes', prefixes], ['durationMs', figures.durationMs], ['memoryMb', figures.memoryMb]] as const) {
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number, got ${String(value)}`);
  }
  const { objects } = scenario;
  const durationSeconds = figures.durationMs / 1000;
  const rates = {
    'lambda-concurrency': concurrency / durationSeconds,
    's3-get-head-rate': figures.gets + figures.heads > 0 ? (S3_GET_HEAD_PER_SECOND_PER_PREFIX * prefixes) / (figures.gets + figures.heads) : Infinity,
    's3-copy-rate': figures.copies > 0 ? (S3_PUT_COPY_PER_SECOND_PER_PREFIX * prefixes) / figures.copies : Infinity,
  } as const;
  const limitingFactor = (Object.keys(rates) as (keyof typeof rates)[]).reduce((best, name) => (rates[name] < rates[best] ? name : best));
  const objectsPerSecond = rates[limitingFactor];
  const peakConcurrency = Math.min(concurrency, Math.ceil(objectsPerSecond * durationSeconds), objects);
  const rampSeconds = (peakConcurrency / LAMBDA_SCALING_ENVIRONMENTS_PER_10_SECONDS) * 10;
  const wallSeconds = objects / objectsPerSecond + rampSeconds;

  const getHead = objects * (figures.gets + figures.heads);
  const putCopy = objects * figures.copies;
  const list = Math.ceil(objects / LIST_KEYS_PER_PAGE);
  const batchOperations = BATCH_OPERATIONS_USD_PER_JOB + objects * BATCH_OPERATIONS_USD_PER_OBJECT;
  const lambdaRequests = objects * LAMBDA_USD_PER_REQUEST;
  const lambdaDuration = objects * durationSeconds * (figures.memoryMb / 1024) * LAMBDA_ARM64_USD_PER_GB_SECOND;
  const s3Requests = getHead * S3_GET_HEAD_USD_PER_REQUEST + (putCopy + list) * S3_PUT_COPY_LIST_USD_PER_REQUEST;
  return {
    objects,
    objectsPerSecond,
    wallSeconds,
    peakConcurrency,
    limitingFactor,
    s3Requests: { getHead, putCopy, list, total: getHead + putCopy + list },
    usd: { batchOperations, lambdaRequests, lambdaDuration, s3Requests, total: batchOperations + lambdaRequests + lambdaDuration + s3Requests },
  };
}

/**
 * A duration for people: `42 s`, `12 min`, `3.4 h`.
 *
 * @example
 * ```ts
 * formatDuration(5400); // '1.5 h'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
