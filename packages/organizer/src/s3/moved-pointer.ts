import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import { ORGANIZED_BY } from '../core/copy-metadata.js';
import type { TakeoutMetadata } from '../core/companions.js';
import type { CaptureDateDecision } from '../core/date-policy/capture-date.js';
import { isMetadataDate } from '../core/takeout-date.js';
import { conditionalPut, type ConditionalPutResult } from './conditional-put.js';

/**
 * Where move mode records, by source key, where a moved file went (issue 18): below the
 * destination prefix, so the function never organizes it (own output).
 * @example
 * `photos/${MOVED_POINTER_FOLDER}uploads/phone/IMG_0001.HEIC.moved`;
 */
export const MOVED_POINTER_FOLDER = '.photo-organizer/moved/';

/**
 * What is recorded of a moved file: enough for a companion arriving after its primary was moved
 * to file itself beside it (the date decision, Apple's ContentIdentifier). Schema
 * `photo-organizer/moved@1`.
 * @example
 * const pointer = await readMovedPointer(client, 'library', movedPointerKey('photos/', 'uploads', 'phone/IMG_0001.HEIC'));
 * if (pointer?.decision.dated) console.log(pointer.targetKey); // 'photos/2021-06-30/IMG_0001.HEIC'
 */
export interface MovedPointer {
  readonly schema: 'photo-organizer/moved@1';
  readonly sourceBucket: string;
  readonly sourceKey: string;
  /** Where the copy is, in the destination bucket. */
  readonly targetKey: string;
  readonly decision: CaptureDateDecision;
  readonly contentIdentifier?: string | undefined;
  /** `make model` of the camera, when the file names both (confirms a RAW+JPEG pair). */
  readonly camera?: string | undefined;
  /** What a moved Takeout JSON said: its media, arriving later, is dated by it. */
  readonly takeout?: TakeoutMetadata | undefined;
  /** The moved version's ETag, unquoted (pointers written before it was recorded lack it). */
  readonly sourceETag?: string | undefined;
  /** The source's upload time (ISO 8601): a Takeout date is checked against it, as the file's own event does. */
  readonly uploadedAt?: string | undefined;
}

/**
 * How a pointer may be replaced. `same-version`: only a pointer of the same moved version (its
 * `source-etag`; or one written before versions were recorded), for a re-file that moved that
 * copy (never a newer move of the key). By default
 * any pointer of ours, except that a Takeout-dated pointer of a version is never replaced by an
 * undated decision of that same version (a late duplicate event must not undo a re-file).
 */
export type PointerReplacement = 'any-move' | 'same-version';

/** Ends every pointer's key, so a trigger filtered by photo extensions never fires for it. */
const POINTER_SUFFIX = '.moved';

/**
 * The pointer's key for a source key: `<destination prefix>.photo-organizer/moved/<source bucket>/<source key>.moved`.
 * @example
 * movedPointerKey('photos/', 'uploads', 'phone/IMG_0001.HEIC'); // 'photos/.photo-organizer/moved/uploads/phone/IMG_0001.HEIC.moved'
 */
export function movedPointerKey(destinationPrefix: string, sourceBucket: string, sourceKey: string): string {
  return `${destinationPrefix}${MOVED_POINTER_FOLDER}${sourceBucket}/${sourceKey}${POINTER_SUFFIX}`;
}

/**
 * Records where a file is about to be moved to, before its source is deleted (move mode). Never
 * written unconditionally (issue 13): created with `If-None-Match: *`; a pointer of ours already
 * there (the same source key moved before: a repeated event, or a re-upload moved again) is
 * replaced only with `If-Match` of its ETag, so it names the latest move of that key; `replacement`
 * narrows which pointer may be replaced ({@link PointerReplacement}). A re-file (a Takeout JSON
 * arrived after its photo was moved: `organize/refile-moved.ts`) rewrites it with the new key.
 *
 * @throws the SDK's error when S3 fails (the source is then kept, and the event retried).
 * @example
 * await writeMovedPointer(client, 'library', 'photos/', pointer); // 'created'
 */
export async function writeMovedPointer(
  client: S3Client,
  bucket: string,
  destinationPrefix: string,
  pointer: Omit<MovedPointer, 'schema'>,
  replacement: PointerReplacement = 'any-move',
  signal?: AbortSignal,
): Promise<ConditionalPutResult> {
  const sourceETag = pointer.sourceETag?.replace(/"/g, '');
  return conditionalPut({
    client,
    bucket,
    key: movedPointerKey(destinationPrefix, pointer.sourceBucket, pointer.sourceKey),
    body: JSON.stringify({ schema: 'photo-organizer/moved@1', ...pointer, ...(sourceETag ? { sourceETag } : {}) }),
    // The version and date source are also metadata, so a replacement is decided from a HEAD.
    metadata: { 'organized-by': ORGANIZED_BY, ...(sourceETag ? { 'source-etag': sourceETag } : {}), 'date-source': pointer.decision.dateSource },
    mayReplace: (existing) => {
      const metadata = existing.userMetadata;
      if (metadata?.['organized-by'] !== ORGANIZED_BY) return false;
      const sameVersion = sourceETag !== undefined && metadata['source-etag'] === sourceETag;
      // A pointer written before versions were recorded is older than any re-file of it.
      if (replacement === 'same-version') return sameVersion || metadata['source-etag'] === undefined;
      return !(sameVersion && metadata['date-source'] === 'TakeoutJson' && pointer.decision.dateSource !== 'TakeoutJson' && !isMetadataDate(pointer.decision));
    },
    signal,
  });
}

/**
 * The moved files recorded under a source folder whose names start with `namePrefix`, by file
 * name: the primaries a companion may follow after they were moved.
 *
 * @throws the SDK's error when S3 fails.
 * @example
 * await listMovedPointers(client, 'library', 'photos/', 'uploads', 'phone/', 'IMG_0001.'); // Map { 'IMG_0001.HEIC' => 'photos/.photo-organizer/moved/uploads/phone/IMG_0001.HEIC.moved' }
 */
export async function listMovedPointers(
  client: S3Client,
  bucket: string,
  destinationPrefix: string,
  sourceBucket: string,
  sourceFolder: string,
  namePrefix: string,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const folder = `${destinationPrefix}${MOVED_POINTER_FOLDER}${sourceBucket}/${sourceFolder}`;
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${folder}${namePrefix}`, Delimiter: '/' }), { abortSignal: signal });
  return new Map(
    (page.Contents ?? []).flatMap((object) =>
      object.Key?.endsWith(POINTER_SUFFIX) ? [[object.Key.slice(folder.length, -POINTER_SUFFIX.length), object.Key] as const] : [],
    ),
  );
}

/**
 * Reads a pointer; undefined when it is gone or not one.
 *
 * @throws the SDK's error when S3 fails otherwise.
 * @example
 * const pointer = await readMovedPointer(client, 'library', 'photos/.photo-organizer/moved/uploads/phone/IMG_0001.HEIC.moved');
 */
export async function readMovedPointer(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<MovedPointer | undefined> {
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    const value = JSON.parse((await object.Body?.transformToString('utf8')) ?? '') as MovedPointer;
    return value?.schema === 'photo-organizer/moved@1' && value.decision ? value : undefined;
  } catch (error) {
    if (error instanceof SyntaxError || s3ErrorKind(error) === 'not-found') return undefined;
    throw error;
  }
}
