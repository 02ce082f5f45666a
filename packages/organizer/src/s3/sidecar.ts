import type { S3Client } from '@aws-sdk/client-s3';
import { ORGANIZED_BY } from '../core/copy-metadata.js';
import type { SidecarDocument } from '../core/sidecar-document.js';
import { conditionalPut, type ConditionalPutResult } from './conditional-put.js';

/**
 * What happened to the sidecar: written new, replaced (the one there, by its ETag), left to a
 * concurrent writer, or not written because another file has its name (issue 18: Google
 * Takeout's `IMG_1234.JPG.json` filed beside its photo is never replaced by a sidecar).
 */
export type SidecarWrite = ConditionalPutResult;

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
  return conditionalPut({
    client: options.client,
    bucket: options.bucket,
    key: `${options.copyKey}.json`,
    body: JSON.stringify(options.document, null, 2),
    metadata: { 'organized-by': ORGANIZED_BY },
    // Only a sidecar is replaced (ours, and not a copy: copies record their source-key).
    mayReplace: (existing) => existing.userMetadata?.['organized-by'] === ORGANIZED_BY && existing.userMetadata['source-key'] === undefined,
    signal: options.signal,
  });
}
