import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';

/** What a conditional delete of the source did. */
export type SourceDeletion =
  /** The object we copied was removed (on a versioned bucket: hidden behind a delete marker). */
  | { readonly status: 'deleted' }
  /** The key now holds another object (a newer upload): it was kept, and its own event organizes it. */
  | { readonly status: 'kept-newer' }
  /** Nothing under the key any more (a repeated event moved it already, or someone deleted it). */
  | { readonly status: 'already-gone' };

/**
 * Deletes the source only if it is still the object that was copied: `DeleteObject` with
 * `If-Match: <copied ETag>`, never with a `VersionId`. On an unversioned bucket the object goes;
 * on a versioned one S3 adds a delete marker and the version stays recoverable. A 412 (or 409, a
 * concurrent conditional request) means a newer object is there: it is kept.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
 *
 * @param source bucket, key and the quoted ETag of the object that was copied
 * @throws what S3 answers otherwise (retryable faults, access denied)
 * @example
 * const result = await deleteIfUnchanged(client, { bucket: 'uploads', key: 'a.jpg', eTag: '"9a0364b9e99bb480dd25e1f0284c8555"' });
 * if (result.status === 'kept-newer') logger.info('a newer object is there: kept');
 */
export async function deleteIfUnchanged(
  client: S3Client,
  source: { readonly bucket: string; readonly key: string; readonly eTag: string },
  signal?: AbortSignal,
): Promise<SourceDeletion> {
  if (!source.eTag) throw new TypeError(`deleteIfUnchanged: no ETag for s3://${source.bucket}/${source.key}; refusing an unconditional delete`);
  try {
    await client.send(new DeleteObjectCommand({ Bucket: source.bucket, Key: source.key, IfMatch: source.eTag }), { abortSignal: signal });
    return { status: 'deleted' };
  } catch (error) {
    const kind = s3ErrorKind(error);
    if (kind === 'precondition-failed' || kind === 'conflict') return { status: 'kept-newer' };
    if (kind === 'not-found') return { status: 'already-gone' };
    throw error;
  }
}
