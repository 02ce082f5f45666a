import type { S3Client } from '@aws-sdk/client-s3';
import {
  createRangeReader,
  ObjectSupersededError,
  type RangeReader,
  s3ErrorKind,
} from '@photo-organizer/s3-range-reader';
import { fileNameOf, type ObjectFacts, type ObjectReference } from '../core/object-reference.js';
import { type StateHeaders, stateFacts } from './head-object.js';
import { isJpegName, prefetchPlan, READ_BLOCK_SIZE, walkJpegSegments } from './read-plan.js';

/** A JPEG whose header segments run further than this is left to exiftool (giant APP segments). */
const MAX_JPEG_HEADER_PREFETCH = 8 * 1024 * 1024;

/** The source, opened: its facts from the first response, and the reader exiftool goes on with. */
export type OpenedSource =
  | { readonly status: 'open'; readonly facts: ObjectFacts; readonly reader: RangeReader }
  | { readonly status: 'gone' }
  | { readonly status: 'superseded'; readonly detail: string };

/**
 * Opens the source without a HEAD: the first ranged GET's 206 carries size, ETag, VersionId,
 * LastModified, content headers and user metadata (the `organized-by` loop guard included).
 * With the event's ETag the first GET already carries `If-Match`, so a 412 means a newer upload
 * replaced the object: its own event organizes it (`superseded`). Without an ETag (CLI, Batch
 * Operations) the first response's ETag is pinned for every later request.
 *
 * Starts, concurrently, what the format will need (the first block, and the end for HEIC/MP4/RAW),
 * and for a JPEG whose header segments pass the first block, the rest of them in one GET, so that
 * exiftool's reads find their bytes cached or in flight.
 *
 * @throws the range reader's errors for S3 faults other than 404/412 (Lambda retries the event).
 * @example
 * const opened = await openSource(client, { bucket: 'in', key: 'IMG_1.HEIC', size: 2_100_000, eTag: 'abc' });
 * if (opened.status === 'open') await exiftool.readMetadata(opened.reader);
 */
export async function openSource(client: S3Client, reference: ObjectReference, signal?: AbortSignal): Promise<OpenedSource> {
  const fileName = fileNameOf(reference.key);
  const reader = createRangeReader({
    client,
    bucket: reference.bucket,
    key: reference.key,
    versionId: reference.versionId,
    etag: reference.eTag || undefined,
    size: reference.size,
    blockSize: READ_BLOCK_SIZE,
    signal,
  });
  // Never rejects: a failed prefetch is reported by the read that needs the bytes (facts below).
  void reader.prefetch(prefetchPlan(fileName, READ_BLOCK_SIZE));
  let facts;
  try {
    facts = await reader.facts(signal ? { signal } : {});
  } catch (error) {
    if (error instanceof ObjectSupersededError) {
      return { status: 'superseded', detail: `a newer upload replaced ETag ${error.expected ?? reference.eTag ?? '?'} before it was read; its own event organizes it` };
    }
    if (s3ErrorKind(error) === 'not-found') return { status: 'gone' };
    throw error;
  }
  if (facts.size > READ_BLOCK_SIZE && isJpegName(fileName)) {
    // A failure here only leaves bytes uncached: exiftool's read of them reports it, typed.
    await prefetchJpegHeaders(reader, facts.size, signal).catch(() => {});
  }
  const eTag = facts.etag ?? reader.etag ?? '';
  return {
    status: 'open',
    reader,
    facts: {
      object: { bucket: reference.bucket, key: reference.key, versionId: reference.versionId ?? facts.versionId, size: facts.size, eTag },
      lastModified: facts.lastModified,
      userMetadata: facts.metadata,
      contentHeaders: {
        ContentType: facts.contentType,
        CacheControl: facts.cacheControl,
        ContentDisposition: facts.contentDisposition,
        ContentEncoding: facts.contentEncoding,
        ContentLanguage: facts.contentLanguage,
      },
      // Issue 21: storage class, encryption, Object Lock and tag count, from the same response.
      state: stateFacts({
        StorageClass: facts.storageClass as StateHeaders['StorageClass'],
        Restore: facts.restore,
        ServerSideEncryption: facts.serverSideEncryption as StateHeaders['ServerSideEncryption'],
        SSEKMSKeyId: facts.sseKmsKeyId,
        SSECustomerAlgorithm: facts.sseCustomerAlgorithm,
        ObjectLockLegalHoldStatus: facts.objectLockLegalHold as StateHeaders['ObjectLockLegalHoldStatus'],
        ObjectLockMode: facts.objectLockMode as StateHeaders['ObjectLockMode'],
        ObjectLockRetainUntilDate: facts.objectLockRetainUntil,
        TagCount: facts.tagCount,
      }),
    },
  };
}

/**
 * Walks the JPEG's segment lengths over the bytes fetched so far; while a segment runs past them,
 * fetches further, at least doubling what is held (a FLIR file carries 660 KB of APP1 segments:
 * four GETs instead of one per block as exiftool would read them), up to the image data. Each step
 * needs the previous one's bytes, so this is sequential, as exiftool's own reads would be; once it
 * returns, exiftool finds every header byte cached.
 */
async function prefetchJpegHeaders(reader: RangeReader, size: number, signal: AbortSignal | undefined): Promise<void> {
  const options = signal ? { signal } : {};
  let held = Math.min(size, READ_BLOCK_SIZE);
  for (;;) {
    const bytes = await reader.read(0, held, options); // cached: the previous step fetched it
    const walked = walkJpegSegments(bytes);
    if (!walked || !('needs' in walked) || walked.needs > MAX_JPEG_HEADER_PREFETCH || held >= size) return;
    const end = Math.min(size, Math.max(walked.needs + READ_BLOCK_SIZE, 2 * held));
    await reader.read(held, end - held, options);
    held = end;
  }
}
