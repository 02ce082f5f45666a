import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import type { ExistingObject } from '../core/same-content.js';
import { headExisting } from './head-object.js';

/**
 * What a conditional write did: created the object, found the same bytes there already (a repeated
 * event: nothing written), replaced the one there (by its ETag), left it to a concurrent writer
 * (its ETag changed, or it vanished, between our HEAD and our PUT), or kept it because `mayReplace`
 * refused (another file has that name).
 */
export type ConditionalPutResult = 'created' | 'unchanged' | 'replaced' | 'left-to-concurrent-writer' | 'kept-other-file';

/**
 * User metadata holding the body's SHA-256 (base64), so a repeated write of the same bytes is seen
 * from the HEAD alone: the ETag is an MD5 only for unencrypted or SSE-S3 objects
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html), and S3-compatible stores
 * need not return checksums.
 */
const BODY_SHA256 = 'body-sha256';

/** One small JSON object the organizer writes into the destination (a sidecar, a move pointer). */
export interface ConditionalPutOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly body: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Whether the object found at `key` may be replaced (e.g. only our own earlier write). */
  readonly mayReplace: (existing: ExistingObject) => boolean;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Writes into the destination, never unconditionally: `If-None-Match: *` creates the object; when
 * one is there already, it is replaced only when `mayReplace` allows it and only with `If-Match` of
 * the ETag just read, so a write made meanwhile by another invocation is left as it is (412/409 the
 * second time), and not at all when it holds these bytes already (its `body-sha256`).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 *
 * @throws the SDK's error when S3 fails otherwise.
 * @example
 * await conditionalPut({ client, bucket: 'library', key: '2019-05-26/IMG_1.JPG.json', body, metadata, mayReplace: () => true }); // 'created'
 */
export async function conditionalPut(options: ConditionalPutOptions): Promise<ConditionalPutResult> {
  const { client, signal } = options;
  const bodySha256 = createHash('sha256').update(options.body).digest('base64');
  const put = (condition: { IfNoneMatch: '*' } | { IfMatch: string }) =>
    client.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: options.key,
        Body: options.body,
        ContentType: 'application/json',
        Metadata: { ...options.metadata, [BODY_SHA256]: bodySha256 },
        ...condition,
      }),
      { abortSignal: signal },
    );
  const conflict = (error: unknown) => ['precondition-failed', 'conflict'].includes(s3ErrorKind(error));
  try {
    await put({ IfNoneMatch: '*' });
    return 'created';
  } catch (error) {
    if (!conflict(error)) throw error;
  }
  const existing = await headExisting(client, options.bucket, options.key, signal);
  if (!existing?.eTag) return 'left-to-concurrent-writer'; // removed meanwhile by someone else: not ours to recreate blindly
  if (!options.mayReplace(existing)) return 'kept-other-file';
  if (existing.userMetadata?.[BODY_SHA256] === bodySha256) return 'unchanged';
  try {
    await put({ IfMatch: existing.eTag });
    return 'replaced';
  } catch (error) {
    if (conflict(error) || s3ErrorKind(error) === 'not-found') return 'left-to-concurrent-writer';
    throw error;
  }
}
