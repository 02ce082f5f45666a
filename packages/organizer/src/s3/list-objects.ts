import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectReference } from '../core/object-reference.js';

/** Every object under a prefix, page by page (1,000 keys a request). */
export async function* listObjects(client: S3Client, bucket: string, prefix: string): AsyncGenerator<ObjectReference> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      yield { bucket, key: object.Key, ...(object.Size !== undefined ? { size: object.Size } : {}), ...(object.ETag ? { eTag: object.ETag } : {}) };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
