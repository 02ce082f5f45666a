import { S3Client } from '@aws-sdk/client-s3';

/**
 * How to reach S3 or an S3-compatible store (the `s3` part of the `Configuration`).
 * @example
 * createS3Client(configuration.s3);
 */
export interface S3ClientSettings {
  /** An S3-compatible endpoint (MinIO, R2, the local test server); AWS when undefined. */
  readonly endpoint: string | undefined;
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible stores need. */
  readonly forcePathStyle: boolean;
  /** The region; the SDK's usual sources (AWS_REGION, profile) when undefined. */
  readonly region: string | undefined;
}

/**
 * The one place the organizer builds an S3 client (the function, `organize` and `invoke` all come
 * here), so a store's addressing and endpoint are decided once. Credentials come from the SDK's
 * default chain.
 *
 * @example
 * const client = createS3Client({ endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, region: 'us-east-1' });
 */
export function createS3Client(settings: S3ClientSettings): S3Client {
  return new S3Client({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
  });
}
