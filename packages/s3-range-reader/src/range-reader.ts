import { BlockCache } from './block-cache.js';
import type { ObjectFacts } from './object-facts.js';
import { EMPTY, ObjectFetcher } from './object-fetcher.js';
import { normalizeOptions, type NormalizedOptions, type RangeReaderOptions } from './options.js';
import { emptyStats, type MutableStats, type ReaderStats } from './stats.js';

/** Per-call options of {@link RangeReader.read} and {@link RangeReader.size}. */
export interface ReadOptions {
  /** Stops waiting; the request behind it is aborted once no other caller waits for it. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link RangeReader.chunks}. */
export interface ChunksOptions {
  /** First byte. @default 0 */
  readonly start?: number | undefined;
  /** Byte after the last one (exclusive, like `Uint8Array.slice`). @default the object's end */
  readonly end?: number | undefined;
  /** Stops the iteration: no request starts afterwards and the one in flight is aborted. */
  readonly signal?: AbortSignal | undefined;
}

/** A byte range: `length` bytes from `offset`. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** Options of {@link RangeReader.prefetch}. All ranges are requested at once (one GET per run of missing blocks). */
export interface PrefetchOptions {
  /** Bytes from the start of the object to load into the block cache. @default 0 */
  readonly head?: number | undefined;
  /** Bytes from the end of the object (e.g. a trailing MP4 `moov`). Needs the size: known from the `size` option, or waits for the head's response. @default 0 */
  readonly tail?: number | undefined;
  /** More ranges to load (e.g. up to a JPEG's image data found by walking its segments). @default [] */
  readonly ranges?: readonly ByteRange[] | undefined;
}

/** Reads one version of one S3 object by byte ranges. Safe to use concurrently. */
export interface RangeReader {
  /** `length` bytes from `offset`: shorter at EOF, empty past it. Served from the block cache where possible. */
  read(offset: number, length: number, options?: ReadOptions): Promise<Uint8Array>;
  /** Object size in bytes; learned from the first response (a HEAD only if no GET can tell). */
  size(options?: ReadOptions): Promise<number>;
  /** Sequential chunks that start at `firstChunkSize` and double up to `maxChunkSize`; one chunk prefetched. */
  chunks(options?: ChunksOptions): AsyncIterable<Uint8Array>;
  /**
   * Loads head, tail and other ranges into the cache, concurrently, before anyone asks (the way to
   * turn a parser's sequential misses into parallel GETs). Never rejects for fetch failures: the
   * read that needs the bytes reports them.
   */
  prefetch(options: PrefetchOptions): Promise<void>;
  /**
   * What S3 said about the object in the first response: size, ETag, VersionId, LastModified,
   * ContentType, user metadata, storage class, encryption. Fetches block 0 if nothing was fetched
   * yet (a HEAD only for a 0-byte object, whose ranged GET answers 416).
   * @throws {ObjectSupersededError} the `etag` option no longer matches (412); the errors of {@link read}.
   */
  facts(options?: ReadOptions): Promise<ObjectFacts>;
  /** Snapshot of what the reader has cost so far. */
  readonly stats: ReaderStats;
  /** ETag pinned by the first response (quoted, as S3 sends it), or the `etag` option. */
  readonly etag: string | undefined;
  /** VersionId pinned by the first response of a versioned bucket, or the `versionId` option. */
  readonly versionId: string | undefined;
}

interface PendingRun {
  readonly controller: AbortController;
  readonly promise: Promise<Uint8Array>;
  waiters: number;
  settled: boolean;
}

const noop = () => {};

function checkInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`\`${name}\` must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function abortError(message: string): DOMException {
  return new DOMException(message, 'AbortError');
}

class S3RangeReader implements RangeReader {
  private readonly settings: NormalizedOptions;
  private readonly counters: MutableStats = emptyStats();
  private readonly fetcher: ObjectFetcher;
  private readonly cache: BlockCache;
  private readonly inflight = new Map<number, { run: PendingRun; block: Promise<Uint8Array> }>();

  constructor(options: RangeReaderOptions) {
    this.settings = normalizeOptions(options);
    this.fetcher = new ObjectFetcher(this.settings, this.counters);
    this.cache = new BlockCache(this.settings.maxCachedBlocks);
  }

  get stats(): ReaderStats {
    return Object.freeze({ ...this.counters, requestMs: Math.round(this.counters.requestMs) });
  }

  get etag(): string | undefined {
    return this.fetcher.etag;
  }

  get versionId(): string | undefined {
    return this.fetcher.versionId;
  }

  async read(offset: number, length: number, options: ReadOptions = {}): Promise<Uint8Array> {
    checkInteger('offset', offset);
    checkInteger('length', length);
    options.signal?.throwIfAborted();
    this.settings.signal?.throwIfAborted();
    const known = this.fetcher.size;
    if (length === 0 || (known !== undefined && offset >= known)) return EMPTY;
    const end = Math.min(offset + length, known ?? Infinity);
    const blocks = await this.loadBlocks(offset, end, options.signal);
    const size = this.fetcher.size ?? Infinity;
    const stop = Math.min(end, size);
    if (offset >= stop) return EMPTY;
    // A fresh array: callers may keep or modify it without touching the cache.
    const result = new Uint8Array(stop - offset);
    const blockSize = this.settings.blockSize;
    const firstBlock = Math.floor(offset / blockSize);
    blocks.forEach((block, position) => {
      const blockStart = (firstBlock + position) * blockSize;
      const from = Math.max(offset, blockStart) - blockStart;
      const to = Math.min(stop - blockStart, block.byteLength);
      if (to > from) result.set(block.subarray(from, to), blockStart + from - offset);
    });
    return result;
  }

  async size(options: ReadOptions = {}): Promise<number> {
    if (this.fetcher.size !== undefined) return this.fetcher.size;
    // The first block is wanted by nearly every caller anyway, and its response carries the size.
    await this.loadBlocks(0, 1, options.signal);
    return this.fetcher.size ?? (await this.fetcher.learnSize(options.signal ?? this.settings.signal));
  }

  chunks(options: ChunksOptions = {}): AsyncIterable<Uint8Array> {
    const start = options.start === undefined ? 0 : checkInteger('start', options.start);
    const end = options.end === undefined ? Infinity : checkInteger('end', options.end);
    return { [Symbol.asyncIterator]: () => this.iterateChunks(start, end, options.signal)[Symbol.asyncIterator]() };
  }

  async facts(options: ReadOptions = {}): Promise<ObjectFacts> {
    if (this.fetcher.facts !== undefined) return this.fetcher.facts;
    await this.loadBlocks(0, 1, options.signal);
    return this.fetcher.facts ?? (await this.fetcher.learnFacts(options.signal ?? this.settings.signal));
  }

  async prefetch(options: PrefetchOptions): Promise<void> {
    const head = options.head === undefined ? 0 : checkInteger('head', options.head);
    const tail = options.tail === undefined ? 0 : checkInteger('tail', options.tail);
    const ranges = (options.ranges ?? []).map((range, index) => ({
      offset: checkInteger(`ranges[${index}].offset`, range?.offset),
      length: checkInteger(`ranges[${index}].length`, range?.length),
    }));
    const quiet = (loading: Promise<unknown>): Promise<unknown> => loading.catch(noop);
    // Documented: a failed prefetch only leaves blocks uncached; the read that needs them reports the error.
    const loads: Promise<unknown>[] = [];
    if (head > 0) loads.push(quiet(this.loadBlocks(0, head, undefined)));
    for (const range of ranges) if (range.length > 0) loads.push(quiet(this.loadBlocks(range.offset, range.offset + range.length, undefined)));
    if (tail > 0) {
      // Without a size, the first response (the head's, or block 0's) is what tells where the tail starts.
      const tailLoad = async () => {
        const size = await this.size();
        await this.loadBlocks(Math.max(0, size - tail), size, undefined);
      };
      loads.push(quiet(tailLoad()));
    }
    await Promise.all(loads);
  }

  private async *iterateChunks(start: number, end: number, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
    const stop = new AbortController();
    const signals = [stop.signal, signal, this.settings.signal].filter((item): item is AbortSignal => item !== undefined);
    const combined = AbortSignal.any(signals);
    let chunkSize = this.settings.firstChunkSize;
    let position = start;
    const next = () => {
      const limit = Math.min(end, this.fetcher.size ?? Infinity);
      if (position >= limit) return undefined;
      const requested = Math.min(chunkSize, limit - position);
      const promise = this.fetcher.fetchRange(position, position + requested, combined);
      promise.catch(noop); // awaited below or in finally; never an unhandled rejection
      return { promise, requested };
    };
    let pending = next();
    try {
      while (pending !== undefined) {
        const chunk = await pending.promise;
        const atEnd = chunk.byteLength < pending.requested;
        position += chunk.byteLength;
        chunkSize = Math.min(chunkSize * 2, this.settings.maxChunkSize);
        // Start the next request before handing this chunk over: at most one chunk ahead.
        pending = atEnd || chunk.byteLength === 0 ? undefined : next();
        if (chunk.byteLength > 0) yield chunk;
      }
    } finally {
      if (pending !== undefined) {
        stop.abort(abortError('chunks() consumer stopped'));
        await pending.promise.catch(noop);
      }
    }
  }

  /** Blocks covering `[offset, end)`, from the cache, from requests in flight, or fetched (adjacent misses in one GET). */
  private async loadBlocks(offset: number, end: number, signal: AbortSignal | undefined): Promise<Uint8Array[]> {
    const blockSize = this.settings.blockSize;
    const firstBlock = Math.floor(offset / blockSize);
    const lastBlock = Math.floor((end - 1) / blockSize);
    const parts: Promise<Uint8Array>[] = [];
    const joined = new Set<PendingRun>();
    let missingFrom: number | undefined;
    const flush = (upTo: number, fetchUpTo = upTo) => {
      if (missingFrom === undefined) return;
      const run = this.startRun(missingFrom, fetchUpTo);
      for (let index = missingFrom; index < upTo; index++) parts.push(this.inflight.get(index)!.block);
      joined.add(run);
      missingFrom = undefined;
    };
    for (let index = firstBlock; index <= lastBlock; index++) {
      const cached = this.cache.get(index);
      const pending = cached === undefined ? this.inflight.get(index) : undefined;
      if (cached === undefined && pending === undefined) {
        missingFrom ??= index;
        continue;
      }
      flush(index);
      if (cached !== undefined) parts.push(Promise.resolve(cached));
      else {
        parts.push(pending!.block);
        joined.add(pending!.run);
      }
    }
    flush(lastBlock + 1, this.readToEnd(lastBlock + 1));
    for (const run of joined) run.waiters++;
    const leave = (reason?: unknown) => {
      for (const run of joined) {
        run.waiters--;
        if (reason !== undefined && run.waiters === 0 && !run.settled) run.controller.abort(reason);
      }
    };
    const all = Promise.all(parts);
    if (signal === undefined) {
      try {
        return await all;
      } finally {
        leave();
      }
    }
    return new Promise<Uint8Array[]>((resolve, reject) => {
      const onAbort = () => {
        leave(signal.reason);
        reject(signal.reason as Error);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      all.then(
        (blocks) => {
          signal.removeEventListener('abort', onAbort);
          leave();
          resolve(blocks);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          leave();
          reject(error as Error);
        },
      );
    });
  }

  /**
   * Where a miss ending before block `endBlock` should stop fetching: at the object's end when that
   * is at most `readToEndWithin` bytes further and nothing there is cached or in flight (a parser
   * that reads near the end comes back for the rest: MP4 `moov`, TIFF/RAW trailers), else `endBlock`.
   */
  private readToEnd(endBlock: number): number {
    const size = this.fetcher.size;
    const blockSize = this.settings.blockSize;
    if (size === undefined || size - endBlock * blockSize > this.settings.readToEndWithin) return endBlock;
    const lastBlock = Math.ceil(size / blockSize);
    let upTo = endBlock;
    while (upTo < lastBlock && !this.cache.has(upTo) && !this.inflight.has(upTo)) upTo++;
    return upTo;
  }

  /** One ranged GET for blocks `[firstBlock, endBlock)`; each block is shared with concurrent readers and cached. */
  private startRun(firstBlock: number, endBlock: number): PendingRun {
    const blockSize = this.settings.blockSize;
    const controller = new AbortController();
    const signal = this.settings.signal ? AbortSignal.any([controller.signal, this.settings.signal]) : controller.signal;
    const promise = this.fetcher.fetchRange(firstBlock * blockSize, endBlock * blockSize, signal);
    const run: PendingRun = { controller, promise, waiters: 0, settled: false };
    const single = endBlock - firstBlock === 1;
    for (let index = firstBlock; index < endBlock; index++) {
      const from = (index - firstBlock) * blockSize;
      const block = promise.then((data) => {
        const bytes = single ? data : data.slice(from, from + blockSize); // a copy: a cached block must not pin the whole run
        if (this.inflight.get(index)?.run === run) {
          this.inflight.delete(index);
          if (bytes.byteLength > 0) this.cache.set(index, bytes);
        }
        return bytes;
      });
      block.catch(() => {
        if (this.inflight.get(index)?.run === run) this.inflight.delete(index);
      });
      this.inflight.set(index, { run, block });
    }
    promise.then(
      () => (run.settled = true),
      () => (run.settled = true),
    );
    return run;
  }
}

/**
 * Creates a reader for one S3 object. Nothing is requested until the first read.
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { createRangeReader } from '@photo-organizer/s3-range-reader';
 *
 * const reader = createRangeReader({ client: new S3Client({}), bucket: 'photos', key: 'IMG_0001.HEIC' });
 * const header = await reader.read(0, 12);          // one 64 KiB block fetched, 12 bytes returned
 * const size = await reader.size();                 // known from that response: no request
 * for await (const chunk of reader.chunks()) {}     // 64 KiB, 128 KiB, ... up to 8 MiB chunks
 * console.log(reader.stats);                        // { bytesFetched, requests, retries, requestMs }
 * ```
 */
export function createRangeReader(options: RangeReaderOptions): RangeReader {
  return new S3RangeReader(options);
}
