import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import { carriedAttributes, needsSourceTags } from '../core/carried-attributes.js';
import { ORGANIZED_BY, redatedMetadata } from '../core/copy-metadata.js';
import type { CaptureDateDecision } from '../core/date-policy/capture-date.js';
import { formatWallClock } from '../core/date-policy/date-value.js';
import type { PinnedObject } from '../core/object-reference.js';
import { decideBeforeRead } from '../core/object-state.js';
import { joinKey, numberedKey } from '../core/key-template.js';
import { destinationKey } from '../core/plan.js';
import type { ExistingObject } from '../core/same-content.js';
import type { SidecarDocument } from '../core/sidecar-document.js';
import { headExisting, headSource } from '../s3/head-object.js';
import { type MovedPointer, writeMovedPointer } from '../s3/moved-pointer.js';
import { placeCopy, type PlacedCopy } from '../s3/place-copy.js';
import { writeSidecar } from '../s3/sidecar.js';
import { readSourceTags } from '../s3/source-tags.js';
import type { Configuration } from '../settings/configuration.js';
import { removeStaleCopies } from './stale-copies.js';

/** A sidecar is a few KB; a larger `<copy>.json` is not read. */
const MAX_SIDECAR_BYTES = 1024 * 1024;

/**
 * What {@link refileMovedCopy} needs.
 * @example
 * const options: RefileMovedOptions = { client, configuration, pointer, decision: takeoutDecision };
 */
export interface RefileMovedOptions {
  readonly client: S3Client;
  readonly configuration: Configuration;
  /** The moved file's pointer, as read: where its copy is (`targetKey`) and how it was dated. */
  readonly pointer: MovedPointer;
  /** The date it has now (its Takeout JSON's). */
  readonly decision: CaptureDateDecision;
  readonly signal?: AbortSignal | undefined;
  /** `Date.now()` by which a big multipart copy stops cleanly (it resumes on the retry). */
  readonly deadline?: number | undefined;
}

/**
 * What {@link refileMovedCopy} did:
 * - `refiled`: the copy is at `key` under the new date (copied now or by an earlier attempt), the
 *   stale copy is gone and the pointer names `key`;
 * - `unchanged`: the new date gives the same key: nothing to move;
 * - `not-found`: neither the copy the pointer names (as ours, of the moved version) nor one at the
 *   new key is there (deleted by someone): nothing is recreated;
 * - `not-ours`: the object at the pointer's key is not this organizer's copy of the moved version;
 * - `cannot-copy`: the copy is in a state S3 cannot copy from (an archive storage class set by
 *   `STORAGE_CLASS`, SSE-C): it stays where it is, said in `detail`, and the event ends.
 */
export type RefileMovedResult =
  | { readonly status: 'refiled'; readonly key: string; readonly from: string; readonly copied: boolean }
  | { readonly status: 'unchanged' | 'not-found' | 'not-ours'; readonly key: string }
  | { readonly status: 'cannot-copy'; readonly key: string; readonly detail: string };

/**
 * Move mode (issue 18): files again a moved copy whose source is gone, under a new date (a Google
 * Takeout JSON that arrived after its photo was moved). The steps, each idempotent, in an order
 * where a crash between any two leaves a verified copy and a retry finishes the job:
 * 1. server-side copy from the pointer's copy to the new key, conditional and never overwriting
 *    (`placeCopy`: the same bytes already there are kept, other bytes give `name-1.ext`), with the
 *    copy's user metadata redated: `source-key`/`source-etag` still name the original source, so
 *    loop guards and same-content checks hold;
 * 2. its sidecar (`SIDECAR=true`): the old one's, redated;
 * 3. the old copy is deleted (`If-Match` of its ETag) only when the new one is verified (same
 *    content) and the old one is this organizer's copy of the moved version;
 * 4. the pointer is rewritten to the new key (only a pointer of that version is replaced).
 * A retry after step 3 finds the old copy gone and the new one verified: it only rewrites the pointer.
 *
 * @throws the SDK's error when S3 fails (the caller's event is retried).
 * @example
 * await refileMovedCopy({ client, configuration, pointer, decision }); // { status: 'refiled', key: 'photos/2021-06-30/a.jpg', from: 'photos/undated/a.jpg', copied: true }
 */
export async function refileMovedCopy(options: RefileMovedOptions): Promise<RefileMovedResult> {
  const { client, configuration, pointer, decision, signal } = options;
  const bucket = configuration.destinationBucket;
  const staleKey = pointer.targetKey;
  const targetKey = destinationKey(pointer.sourceKey, decision, configuration);
  if (targetKey === staleKey) return { status: 'unchanged', key: staleKey };

  const stale = await headSource(client, { bucket, key: staleKey }, signal, { checksums: configuration.s3.checksums });
  // An archived copy (STORAGE_CLASS = GLACIER...) answers a copy with 403 InvalidObjectState on
  // every retry: said once instead (issue 21's decision, on the library copy).
  const blocked = stale ? decideBeforeRead(stale.state, stale.object.size) : undefined;
  if (blocked && blocked.reason !== 'empty-object') return { status: 'cannot-copy', key: staleKey, detail: blocked.detail };
  let placed: PlacedCopy;
  let original: PinnedObject;
  if (stale) {
    if (!isCopyOf(stale.userMetadata, pointer, pointer.sourceETag)) return { status: 'not-ours', key: staleKey };
    original = { bucket: pointer.sourceBucket, key: pointer.sourceKey, size: stale.object.size, eTag: pointer.sourceETag ?? stale.userMetadata!['source-etag']! };
    placed = await placeCopy({
      client,
      source: stale.object,
      destinationBucket: bucket,
      targetKey,
      contentHeaders: stale.contentHeaders,
      userMetadata: redatedMetadata(stale.userMetadata ?? {}, decision),
      // The copy keeps the class and tags the first copy got (tags are read for the multipart path only).
      carried: carriedAttributes({
        contentHeaders: stale.contentHeaders,
        sourceStorageClass: stale.state?.storageClass,
        storageClassSetting: 'source',
        sourceTags: needsSourceTags({ size: stale.object.size, multipartThresholdBytes: configuration.multipartThresholdBytes, tagCount: stale.state?.tagCount })
          ? await readSourceTags(client, stale.object, signal)
          : undefined,
      }),
      multipartThresholdBytes: configuration.multipartThresholdBytes,
      partSizeBytes: configuration.multipartPartSizeBytes,
      checksums: configuration.s3.checksums,
      signal,
      deadline: options.deadline,
    });
  } else {
    // An earlier attempt copied and deleted already: only the pointer may be left to rewrite. Its
    // copy is at the new key, or at a numbered one when another file had that name.
    const done = await findOwnCopy(client, bucket, targetKey, pointer, signal);
    if (!done) return { status: 'not-found', key: staleKey };
    placed = { key: done.key, copied: false, checksum: done.existing.checksum, existing: done.existing };
    original = { bucket: pointer.sourceBucket, key: pointer.sourceKey, size: done.existing.size ?? 0, eTag: pointer.sourceETag ?? done.existing.userMetadata!['source-etag']! };
  }
  if (configuration.sidecar && stale) await writeRedatedSidecar(client, bucket, staleKey, placed.key, decision, signal);
  if (placed.key !== staleKey) await removeStaleCopies(client, bucket, staleKey, original, placed.key, signal);
  await writeMovedPointer(
    client,
    bucket,
    configuration.destinationPrefix,
    { ...withoutSchema(pointer), targetKey: placed.key, decision, sourceETag: original.eTag },
    'same-version',
    signal,
  );
  return { status: 'refiled', key: placed.key, from: staleKey, copied: placed.copied };
}

/** Numbered names (`name-1.ext`, ...) looked at for a re-filed copy that found its name taken. */
const MAX_NUMBERED_LOOKS = 20;

/** This organizer's copy of the pointer's source at `targetKey` or the first numbered names after it (they are taken in order). */
async function findOwnCopy(client: S3Client, bucket: string, targetKey: string, pointer: MovedPointer, signal?: AbortSignal): Promise<{ key: string; existing: ExistingObject } | undefined> {
  for (let index = 0; index <= MAX_NUMBERED_LOOKS; index++) {
    const key = index === 0 ? targetKey : joinKey('', numberedKey(targetKey, index));
    const existing = await headExisting(client, bucket, key, signal);
    if (!existing) return undefined;
    if (isCopyOf(existing.userMetadata, pointer, pointer.sourceETag)) return { key, existing };
  }
  return undefined;
}

/** Whether a copy's metadata names this organizer and the pointer's source (and version, when known). */
function isCopyOf(metadata: Readonly<Record<string, string>> | undefined, pointer: MovedPointer, sourceETag: string | undefined): boolean {
  if (metadata?.['organized-by'] !== ORGANIZED_BY || metadata['source-bucket'] !== pointer.sourceBucket) return false;
  if (safeDecode(metadata['source-key']) !== pointer.sourceKey || !metadata['source-etag']) return false;
  return sourceETag === undefined || metadata['source-etag'] === sourceETag.replace(/"/g, '');
}

/**
 * The old copy's sidecar, redated, beside the new copy. Only a sidecar of ours is read (marked
 * `organized-by`, no `source-key`: a Google Takeout JSON filed at that name is not one).
 */
async function writeRedatedSidecar(client: S3Client, bucket: string, staleKey: string, copyKey: string, decision: CaptureDateDecision, signal?: AbortSignal): Promise<void> {
  let document: SidecarDocument;
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${staleKey}.json` }), { abortSignal: signal });
    if (object.Metadata?.['organized-by'] !== ORGANIZED_BY || object.Metadata['source-key'] !== undefined || (object.ContentLength ?? 0) > MAX_SIDECAR_BYTES) return;
    document = JSON.parse((await object.Body?.transformToString('utf8')) ?? '') as SidecarDocument;
  } catch (error) {
    // No sidecar to carry over (SIDECAR was off when the copy was made, or it went with its copy).
    if (error instanceof SyntaxError || s3ErrorKind(error) === 'not-found') return;
    throw error;
  }
  if (document?.schema !== 'photo-organizer/sidecar@1') return;
  await writeSidecar({
    client,
    bucket,
    copyKey,
    document: {
      ...document,
      captureDate: decision.dated ? formatWallClock(decision.captureDate) : null,
      dateSource: decision.dateSource,
      dateTag: decision.dated ? decision.tag : null,
      rejectedDates: decision.rejected,
    },
    signal,
  });
}

function withoutSchema(pointer: MovedPointer): Omit<MovedPointer, 'schema'> {
  const { schema: _schema, ...rest } = pointer;
  return rest;
}

function safeDecode(value: string | undefined): string | undefined {
  try {
    return value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
