import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectReference } from '../core/object-reference.js';

/**
 * Every object under a prefix, page by page (1,000 keys a request), with size and ETag, through the
 * SDK's paginator.
 *
 * @throws the SDK's error when a page cannot be listed.
 * @example
 * for await (const reference of listObjects(client, 'photos', 'incoming/')) console.log(reference.key);
 */
export async function* listObjects(client: S3Client, bucket: string, prefix: string): AsyncGenerator<ObjectReference> {
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix || undefined })) {
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      yield { bucket, key: object.Key, ...(object.Size !== undefined ? { size: object.Size } : {}), ...(object.ETag ? { eTag: object.ETag } : {}) };
    }
  }
}
