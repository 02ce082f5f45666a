import type { S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import pRetry from 'p-retry';
import { ORGANIZED_BY } from '../core/copy-metadata.js';
import type { SidecarDocument } from '../core/sidecar-document.js';
import { conditionalPut, type ConditionalPutResult } from './conditional-put.js';

/**
 * What happened to the sidecar: written new, replaced (the one there, by its ETag), left to a
 * concurrent writer, or not written because another file has its name (issue 18: Google
 * Takeout's `IMG_1234.JPG.json` filed beside its photo is never replaced by a sidecar).
 */
export type SidecarWrite = ConditionalPutResult;

/** Whole-write attempts after the SDK's own retries gave up on a transient fault (5xx, throttling, reset). */
const SIDECAR_RETRIES = 3;

/**
 * Writes `<copyKey>.json` beside a copy, marked `organized-by` so it is never organized itself, and
 * never unconditionally: `If-None-Match: *` creates it; when one is there already (a repeated
 * event), it is replaced only with `If-Match` of the ETag just read, so a sidecar written meanwhile
 * by another invocation is left as it is (412/409 the second time).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 *
 * The copy is already placed when this runs: a transient fault is retried here ({@link SIDECAR_RETRIES}
 * times, backing off from 200 ms), not left to Lambda's retry, which comes a minute later and finds
 * the source re-uploaded or deleted by then as often as not; it could then never write this
 * copy's sidecar (the reliability soak found such copies). Each attempt is idempotent.
 *
 * @throws the SDK's error when S3 fails otherwise, or still fails after the retries.
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
  const write = () =>
    conditionalPut({
      client: options.client,
      bucket: options.bucket,
      key: `${options.copyKey}.json`,
      body: JSON.stringify(options.document, null, 2),
      metadata: { 'organized-by': ORGANIZED_BY },
      // Only a sidecar is replaced (ours, and not a copy: copies record their source-key).
      mayReplace: (existing) => existing.userMetadata?.['organized-by'] === ORGANIZED_BY && existing.userMetadata['source-key'] === undefined,
      signal: options.signal,
    });
  return pRetry(write, {
    retries: SIDECAR_RETRIES,
    minTimeout: 200,
    randomize: true,
    ...(options.signal ? { signal: options.signal } : {}),
    shouldRetry: ({ error }) => s3ErrorKind(error) === 'transient',
  });
}
