import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PinnedObject } from '../core/object-reference.js';
import { isSameContent } from '../core/same-content.js';
import { headExisting } from './head-object.js';

/** The copy to verify and the source to delete (move mode). */
export interface DeleteSourceOptions {
  readonly client: S3Client;
  readonly source: PinnedObject;
  readonly destinationBucket: string;
  /** Where the copy was placed. */
  readonly copyKey: string;
}

/**
 * Move mode: deletes the source once its copy is verified (same size and source ETag). On a
 * versioned source exactly the copied version is deleted; otherwise only while the key still holds
 * the copied ETag (a new upload under the same key is kept). Returns whether the source is gone.
 *
 * @throws Error when the copy does not match (the source is kept); the SDK's error when S3 fails.
 * @example
 * await deleteSourceAfterVerifying({ client, source, destinationBucket: 'library', copyKey: '2019-05-26/IMG_1.JPG' }); // true
 */
export async function deleteSourceAfterVerifying(options: DeleteSourceOptions): Promise<boolean> {
  const { client, source } = options;
  const target = await headExisting(client, options.destinationBucket, options.copyKey);
  if (!target || !isSameContent(target, source)) {
    throw new Error(`move: the copy at ${options.copyKey} does not match the source; the source was kept`);
  }
  // Delete exactly the version we copied: on a versioned bucket by VersionId; otherwise only if the
  // key still holds the bytes we copied (a new upload under the same key in between is kept).
  if (!source.versionId) {
    const current = await headExisting(client, source.bucket, source.key);
    if (!current) return true;
    if (current.eTag !== source.eTag) return false;
  }
  await client.send(new DeleteObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }));
  return true;
}
