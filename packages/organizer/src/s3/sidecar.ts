import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ORGANIZED_BY } from '../core/copy-metadata.js';
import type { SidecarDocument } from '../core/sidecar-document.js';

/**
 * Writes `<copyKey>.json` beside a copy, marked `organized-by` so it is never organized itself.
 *
 * @throws the SDK's error when S3 fails.
 * @example
 * await writeSidecar({ client, bucket: 'library', copyKey: '2019-05-26/IMG_1.JPG', document });
 */
export async function writeSidecar(options: {
  readonly client: S3Client;
  readonly bucket: string;
  readonly copyKey: string;
  readonly document: SidecarDocument;
}): Promise<void> {
  await options.client.send(
    new PutObjectCommand({
      Bucket: options.bucket,
      Key: `${options.copyKey}.json`,
      Body: JSON.stringify(options.document, null, 2),
      ContentType: 'application/json',
      Metadata: { 'organized-by': ORGANIZED_BY },
    }),
  );
}
