import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import { ORGANIZED_BY } from '../core/copy-metadata.js';
import type { SidecarDocument } from '../core/sidecar-document.js';
import { headExisting } from './head-object.js';

/**
 * What happened to the sidecar: written new, replaced (the one there, by its ETag), left to a
 * concurrent writer, or not written because another file has its name (issue 18: Google
 * Takeout's `IMG_1234.JPG.json` filed beside its photo is never replaced by a sidecar).
 */
export type SidecarWrite = 'created' | 'replaced' | 'left-to-concurrent-writer' | 'kept-other-file';

/**
 * Writes `<copyKey>.json` beside a copy, marked `organized-by` so it is never organized itself, and
 * never unconditionally: `If-None-Match: *` creates it; when one is there already (a repeated
 * event), it is replaced only with `If-Match` of the ETag just read, so a sidecar written meanwhile
 * by another invocation is left as it is (412/409 the second time).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 *
 * @throws the SDK's error when S3 fails otherwise.
 * @example
 * await writeSidecar({ client, bucket: 'library', copyKey: '2019-05-26/IMG_1.JPG', document }); // 'created'
 */
export async function writeSidecar(options: {
  readonly client: S3Client;
  readonly bucket: string;
  readonly copyKey: string;
  readonly document: SidecarDocument;
  readonly signal?: AbortSignal | undefined;
}): Promise<SidecarWrite> {
  const { client, signal } = options;
  const key = `${options.copyKey}.json`;
  const put = (condition: { IfNoneMatch: '*' } | { IfMatch: string }) =>
    client.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: key,
        Body: JSON.stringify(options.document, null, 2),
        ContentType: 'application/json',
        Metadata: { 'organized-by': ORGANIZED_BY },
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
  const existing = await headExisting(client, options.bucket, key, signal);
  if (!existing?.eTag) return 'left-to-concurrent-writer'; // removed meanwhile by someone else: not ours to recreate blindly
  // Only a sidecar is replaced (ours, and not a copy: copies record their source-key).
  if (existing.userMetadata?.['organized-by'] !== ORGANIZED_BY || existing.userMetadata['source-key'] !== undefined) return 'kept-other-file';
  try {
    await put({ IfMatch: existing.eTag });
    return 'replaced';
  } catch (error) {
    if (conflict(error) || s3ErrorKind(error) === 'not-found') return 'left-to-concurrent-writer';
    throw error;
  }
}
