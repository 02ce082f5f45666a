import type { S3Client } from '@aws-sdk/client-s3';

/** Options of {@link createRangeReader}. */
export interface RangeReaderOptions {
  /** The client to send requests with (AWS or any S3-compatible endpoint). The reader owns retries for its own requests. */
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  /** Read this version; otherwise the version of the first response is pinned. @default undefined */
  readonly versionId?: string | undefined;
  /** ETag to pin from the start (e.g. from the S3 event), quoted or not. @default undefined (pinned by the first response) */
  readonly etag?: string | undefined;
  /** Object size in bytes when already known (e.g. from the S3 event): saves probes and answers EOF without a request. @default undefined (learned from the first response) */
  readonly size?: number | undefined;
  /** Size of the aligned blocks `read()` fetches and caches. @default 65536 */
  readonly blockSize?: number | undefined;
  /**
   * A `read()` miss that ends at most this many bytes before the object's end fetches to the end in
   * the same GET (parsers that read near the end come back for the rest). Needs a known size. 0 turns it off.
   * @default 262144 (256 KiB)
   */
  readonly readToEndWithin?: number | undefined;
  /** How many blocks the random-access cache keeps (least recently used goes first). @default 128 */
  readonly maxCachedBlocks?: number | undefined;
  /** First chunk of `chunks()`; later chunks double up to `maxChunkSize`. @default 65536 */
  readonly firstChunkSize?: number | undefined;
  /** Largest chunk of `chunks()`. Memory of a sequential read stays under two of these. @default 8388608 */
  readonly maxChunkSize?: number | undefined;
  /** Retries per request after a transient fault (5xx, SlowDown, timeout, reset). @default 5 */
  readonly retries?: number | undefined;
  /** First backoff delay in ms; it doubles per retry, with jitter (x1-2). @default 100 */
  readonly retryMinDelay?: number | undefined;
  /** Longest backoff delay in ms. @default 5000 */
  readonly retryMaxDelay?: number | undefined;
  /** Longest wait in ms for response headers or for the next body bytes before the attempt counts as timed out. @default 15000 */
  readonly requestTimeout?: number | undefined;
  /** Aborts everything the reader does; no request starts after it fires. @default undefined */
  readonly signal?: AbortSignal | undefined;
}

export interface NormalizedOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
  readonly size: number | undefined;
  readonly blockSize: number;
  readonly readToEndWithin: number;
  readonly maxCachedBlocks: number;
  readonly firstChunkSize: number;
  readonly maxChunkSize: number;
  readonly retries: number;
  readonly retryMinDelay: number;
  readonly retryMaxDelay: number;
  readonly requestTimeout: number;
  readonly signal: AbortSignal | undefined;
}

const describe = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function integer(name: string, value: unknown, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new TypeError(`Option \`${name}\` must be an integer >= ${minimum}, got ${describe(value)}`);
  }
  return value;
}

function text(name: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`Option \`${name}\` must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** Applies defaults and validates; a wrong value throws a TypeError naming the option. */
export function normalizeOptions(options: RangeReaderOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Options must be an object, got ${describe(options)}`);
  }
  const client = options.client as unknown;
  if (typeof client !== 'object' || client === null || typeof (client as { send?: unknown }).send !== 'function') {
    throw new TypeError(`Option \`client\` must be an S3Client, got ${describe(client)}`);
  }
  const signal = options.signal as unknown;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Option \`signal\` must be an AbortSignal, got ${describe(signal)}`);
  }
  const etag = text('etag', options.etag, false);
  const firstChunkSize = integer('firstChunkSize', options.firstChunkSize, 64 * 1024, 1);
  const maxChunkSize = integer('maxChunkSize', options.maxChunkSize, 8 * 1024 * 1024, 1);
  if (maxChunkSize < firstChunkSize) {
    throw new TypeError(`Option \`maxChunkSize\` must be >= firstChunkSize (${firstChunkSize}), got ${maxChunkSize}`);
  }
  const retryMinDelay = integer('retryMinDelay', options.retryMinDelay, 100, 0);
  const retryMaxDelay = integer('retryMaxDelay', options.retryMaxDelay, 5000, 0);
  if (retryMaxDelay < retryMinDelay) {
    throw new TypeError(`Option \`retryMaxDelay\` must be >= retryMinDelay (${retryMinDelay}), got ${retryMaxDelay}`);
  }
  return {
    client: options.client,
    bucket: text('bucket', options.bucket, true)!,
    key: text('key', options.key, true)!,
    versionId: text('versionId', options.versionId, false),
    // S3 sends ETags quoted; an S3 event carries them bare.
    etag: etag === undefined || etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`,
    size: options.size === undefined ? undefined : integer('size', options.size, 0, 0),
    blockSize: integer('blockSize', options.blockSize, 64 * 1024, 1),
    readToEndWithin: integer('readToEndWithin', options.readToEndWithin, 256 * 1024, 0),
    maxCachedBlocks: integer('maxCachedBlocks', options.maxCachedBlocks, 128, 0),
    firstChunkSize,
    maxChunkSize,
    retries: integer('retries', options.retries, 5, 0),
    retryMinDelay,
    retryMaxDelay,
    requestTimeout: integer('requestTimeout', options.requestTimeout, 15_000, 1),
    signal: signal as AbortSignal | undefined,
  };
}
