import type { S3Client } from '@aws-sdk/client-s3';
import { ORGANIZED_BY } from '../core/copy-metadata.js';
import { joinKey, numberedKey } from '../core/key-template.js';
import type { PinnedObject } from '../core/object-reference.js';
import { isSameContent } from '../core/same-content.js';
import { deleteIfUnchanged } from '../s3/conditional-delete.js';
import { headExisting } from '../s3/head-object.js';

/** Numbered variants (`name-1.ext`, ...) looked at for a copy filed under a date it no longer has. */
const MAX_NUMBERED_LOOKS = 20;

/**
 * Issue 18: deletes this organizer's copies of `source` at `staleKey` and its numbered variants
 * (a copy filed before its Google Takeout JSON came), once `keepKey` is verified to hold the
 * same bytes. A copy is deleted only when it is marked `organized-by` and records exactly this
 * source version (`source-bucket`, `source-key`, `source-etag`) with the same content, and only
 * with `If-Match` of the ETag just seen, so an object written there meanwhile stays. Its sidecar
 * (`<key>.json`, ours and not a copy) goes first: a crash in between leaves the copy, which the
 * retry deletes, never a sidecar without its photo's copy being looked at again.
 *
 * @param source the original source version (its key and ETag, as copies record them; its size)
 * @throws the SDK's error when S3 fails.
 * @example
 * await removeStaleCopies(client, 'library', 'undated/a.jpg', { bucket: 'uploads', key: 'a.jpg', size: 2048, eTag: '"abc"' }, '2021-06-30/a.jpg');
 */
export async function removeStaleCopies(client: S3Client, bucket: string, staleKey: string, source: PinnedObject, keepKey: string, signal?: AbortSignal): Promise<void> {
  let verified: boolean | undefined;
  for (let index = 0; index < MAX_NUMBERED_LOOKS; index++) {
    const key = index === 0 ? staleKey : joinKey('', numberedKey(staleKey, index));
    if (key === keepKey) continue;
    const existing = await headExisting(client, bucket, key, signal);
    if (!existing) return;
    if (!existing.eTag || !isOurCopyOf(existing.userMetadata, source) || !isSameContent(existing, source)) continue;
    // The copy to keep is looked at once, and only when there is something to delete.
    if (verified === undefined) {
      const kept = await headExisting(client, bucket, keepKey, signal);
      verified = !!kept && isSameContent(kept, source) && isOurCopyOf(kept.userMetadata, source);
    }
    if (!verified) return;
    const sidecar = await headExisting(client, bucket, `${key}.json`, signal);
    if (sidecar?.eTag && sidecar.userMetadata?.['organized-by'] === ORGANIZED_BY && sidecar.userMetadata['source-key'] === undefined) {
      await deleteIfUnchanged(client, { bucket, key: `${key}.json`, eTag: sidecar.eTag }, signal);
    }
    await deleteIfUnchanged(client, { bucket, key, eTag: existing.eTag }, signal);
  }
}

/** Whether a copy's metadata names this organizer and exactly this source version. */
function isOurCopyOf(metadata: Readonly<Record<string, string>> | undefined, source: PinnedObject): boolean {
  return (
    metadata?.['organized-by'] === ORGANIZED_BY &&
    metadata['source-bucket'] === source.bucket &&
    safeDecode(metadata['source-key']) === source.key &&
    metadata['source-etag'] === source.eTag.replace(/"/g, '')
  );
}

function safeDecode(value: string | undefined): string | undefined {
  try {
    return value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
