import type { S3Client } from '@aws-sdk/client-s3';
import {
  createRangeReader,
  ObjectSupersededError,
  type RangeReader,
  s3ErrorKind,
} from '@photo-organizer/s3-range-reader';
import { fileNameOf, type ObjectFacts, type ObjectReference } from '../core/object-reference.js';
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
  if (facts.size > READ_BLOCK_SIZE && isJpegName(fileName)) await prefetchJpegHeaders(reader, facts.size, signal);
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
    },
  };
}

/**
 * Walks the JPEG's segment lengths in the cached first block; when the headers run past it, asks
 * for everything up to the image data in one GET (not awaited: exiftool's reads join it).
 */
async function prefetchJpegHeaders(reader: RangeReader, size: number, signal: AbortSignal | undefined): Promise<void> {
  const first = await reader.read(0, Math.min(size, READ_BLOCK_SIZE), signal ? { signal } : {}); // cached: no request
  const walked = walkJpegSegments(first);
  if (!walked || !('needs' in walked) || walked.needs > MAX_JPEG_HEADER_PREFETCH) return;
  // Up to the segment that runs past the block, plus one block for the segments after it.
  const end = Math.min(size, walked.needs + READ_BLOCK_SIZE);
  void reader.prefetch({ ranges: [{ offset: first.byteLength, length: end - first.byteLength }] });
}
