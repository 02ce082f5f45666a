import { randomBytes } from 'node:crypto';
import type { S3Event } from 'aws-lambda';

/** An object that was just written, as the server reports it. */
export interface CreatedObject {
  /** `ObjectCreated:Put`, `:Post` (browser form), `:Copy` or `:CompleteMultipartUpload`. */
  readonly eventName: string;
  readonly bucket: string;
  /** The key as stored (not encoded). */
  readonly key: string;
  /** Bytes. */
  readonly size: number;
  /** Unquoted ETag. */
  readonly eTag: string;
  readonly sourceIp?: string;
}

/** S3's encoding of keys in event notifications: form-encoding, `/` kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();

/**
 * The notification S3 sends for one created object (one record, event structure 2.1): the key
 * URL-encoded, size and eTag present for every kind of creation, the bucket ARN well formed.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function toS3Event(created: CreatedObject, region: string): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: new Date().toISOString(),
        eventName: created.eventName,
        userIdentity: { principalId: `AWS:${hex(10)}` },
        requestParameters: { sourceIPAddress: created.sourceIp ?? '127.0.0.1' },
        responseElements: { 'x-amz-request-id': hex(8), 'x-amz-id-2': randomBytes(32).toString('base64') },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local-s3',
          bucket: { name: created.bucket, ownerIdentity: { principalId: hex(7) }, arn: `arn:aws:s3:::${created.bucket}` },
          object: { key: encodeEventKey(created.key), size: created.size, eTag: created.eTag, sequencer: process.hrtime.bigint().toString(16).toUpperCase() },
        },
      },
    ],
  };
}
