import type { S3Client } from '@aws-sdk/client-s3';
import {
  ExiftoolError,
  type ExiftoolOptions,
  ExiftoolProcess,
  type MetadataResult,
  readMetadataFromStream,
  SourceReadError,
} from '@photo-organizer/exiftool';
import { createRangeReader, ObjectSupersededError, type RangeReader, type ReaderStats, S3RangeReaderError, s3ErrorKind } from '@photo-organizer/s3-range-reader';
import type { ReadFailureKind } from '../core/failure-policy.js';
import { fileNameOf, type PinnedObject } from '../core/object-reference.js';
import { TAGS_TO_READ } from '../core/plan.js';

/**
 * The metadata of one object and what reading it cost.
 * @example
 * const { result, stats } = await reader.read({ client, ...pinned });
 * stats.bytesFetched; // 65536
 */
export interface MetadataRead {
  readonly result: MetadataResult;
  /** Bytes fetched, requests made (retries included), ms spent in requests. */
  readonly stats: ReaderStats;
}

/**
 * Reads an S3 object's metadata with exiftool, fetching only the bytes exiftool asks for.
 * `read` throws an `S3RangeReaderError` when S3 failed (the reader's retries spent), an
 * `ExiftoolError` when exiftool did; {@link readFailureKind} tells them apart for the failure policy.
 * @example
 * const reader = createMetadataReader({ mode: 'random-access', exiftool: { exiftoolLibDir: '/opt/lib/perl5' } });
 * try { await reader.read({ client, ...pinned }, signal); } finally { await reader.close(); }
 */
export interface MetadataReader {
  /**
   * `object.rangeReader`, when given, is the range reader the organizer opened the object with (facts
   * from its first response, blocks prefetched): readers that go through a range reader use it.
   */
  read(object: PinnedObject & { readonly client: S3Client; readonly rangeReader?: RangeReader }, signal?: AbortSignal): Promise<MetadataRead>;
  close(): Promise<void>;
  /**
   * True when `read` goes through the range reader: the organizer then opens the object itself
   * (no HEAD: facts from the first GET) and passes the reader on. Other readers (the benchmark's
   * old designs) get a HEAD first, as those designs did.
   */
  readonly usesRangeReader?: boolean;
  /** Starts what can be started before the first object (the warm perl); never rejects. */
  start?(): Promise<void>;
}

/**
 * How {@link createMetadataReader} reads.
 * @example
 * createMetadataReader({ mode: 'stream', exiftool: { exiftoolLibDir: '/opt/lib/perl5', exiftoolScriptPath: '/opt/bin/exiftool', timeoutMs: 20_000 } });
 */
export interface MetadataReaderOptions {
  /** `random-access` (default): exiftool seeks through a block cache; `stream`: sequential chunks until exiftool exits. */
  readonly mode: 'random-access' | 'stream';
  /** How to run exiftool; `tags` defaults to the core's `TAGS_TO_READ` (what the plan reads). */
  readonly exiftool: ExiftoolOptions;
  /** A warm exiftool already started (the Lambda entry starts it before loading the SDK); random access only. */
  readonly process?: ExiftoolProcess | undefined;
}

/**
 * One warm exiftool process for the container's life (random access), or a fresh exiftool per
 * object fed by adaptive chunks (stream mode). Both read the one version pinned by `eTag`.
 *
 * Read strategies live here: a new way of feeding exiftool (prefetching, another reader) is a new
 * branch of `read`, with the same errors.
 *
 * @example
 * const reader = createMetadataReader({ mode: 'random-access', exiftool: { exiftoolLibDir: '/opt/lib/perl5' } });
 * const { result, stats } = await reader.read({ client, bucket: 'in', key: 'IMG_1.JPG', size: 2048, eTag: '"abc"' });
 * await reader.close();
 */
export function createMetadataReader(options: MetadataReaderOptions): MetadataReader {
  const exiftool: ExiftoolOptions = { tags: TAGS_TO_READ, ...options.exiftool };
  const warm = options.mode === 'random-access' ? (options.process ?? new ExiftoolProcess(exiftool)) : undefined;
  return {
    usesRangeReader: true,
    async start() {
      // A failed start is reported again by the first read, which tries a fresh process.
      await warm?.start().catch(() => {});
    },
    async read(object, signal) {
      const reader = object.rangeReader ?? createRangeReader({
        client: object.client,
        bucket: object.bucket,
        key: object.key,
        versionId: object.versionId,
        etag: object.eTag || undefined,
        size: object.size,
        signal,
      });
      // Only the extension reaches exiftool (it tells DNG from TIFF, MP4 from MOV), never the key.
      const fileName = fileNameOf(object.key);
      try {
        const result = warm
          ? await warm.readMetadata(reader, { fileName, ...(signal ? { signal } : {}) })
          : await readMetadataFromStream(reader.chunks(signal ? { signal } : {}), { ...exiftool, ...(signal ? { signal } : {}) });
        return { result, stats: reader.stats };
      } catch (error) {
        // exiftool reports a failing source as SourceReadError; here the source is always the range
        // reader, so its cause is the reader's own typed S3 error: surface that one.
        if (error instanceof SourceReadError && error.cause instanceof S3RangeReaderError) throw error.cause;
        throw error;
      }
    },
    async close() {
      await warm?.close();
    },
  };
}

/**
 * Classifies what {@link MetadataReader.read} threw, for the core's failure policy.
 *
 * @example
 * readFailureAction(readFailureKind(error), { aborted: signal.aborted });
 */
export function readFailureKind(error: unknown): ReadFailureKind {
  if (error instanceof ObjectSupersededError) return 'superseded';
  if (error instanceof S3RangeReaderError) return s3ErrorKind(error) === 'not-found' ? 'object-gone' : 'source-fault';
  if (error instanceof ExiftoolError) return 'exiftool-fault';
  return 'unexpected';
}
