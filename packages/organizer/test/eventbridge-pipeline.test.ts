import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type LocalPipeline, startLocalPipeline } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built bundle under the real Lambda runtime client and the local S3 server, invoked with the
// event EventBridge delivers for trigger.type = "eventbridge". No EventBridge runs here: the event
// is built in the documented shape (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html),
// and the pipeline's own S3 notifications are switched off (filter) so only that event organizes.
const fixturesDir = fileURLToPath(new URL('../../../test-fixtures/', import.meta.url));
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function objectCreated(bucket: string, key: string, size: number, etag: string) {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-11-30T10:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: { version: '0', bucket: { name: bucket }, object: { key, size, etag, sequencer: '617f08299329d189' }, 'request-id': 'N4N7GDK58NMKJ12R', requester: '123456789012', reason: 'PutObject' },
  };
}

describe('an EventBridge Object Created event, run as Lambda runs it', () => {
  let pipeline: LocalPipeline;
  let client: S3Client;

  beforeAll(async () => {
    pipeline = await startLocalPipeline({ sourceBucket: 'uploads', destinationBucket: 'library', filter: () => false });
    client = pipeline.s3.client();
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it.each([
    ['Summer 2019/IMG 0001 + copy.jpg', 'Summer 2019/IMG 0001 + copy.jpg'],
    ['caf\u00e9 日本/100%+ready.jpg', 'caf\u00e9 日本/100%+ready.jpg'],
  ])('files %j by its capture date, reading the key as it is (not form-decoded)', async (key) => {
    // Prepare
    const body = await readFile(path.join(fixturesDir, 'media/jpeg-dto-offset.jpg'));
    const put = await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: body, ContentType: 'image/jpeg' }));

    // Act
    const result = await pipeline.invoke(objectCreated('uploads', key, body.length, put.ETag!.replace(/"/g, '')));

    // Assess
    expect(result.error).toBeUndefined();
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'library', Prefix: '2019-07-15/' }));
    const target = `2019-07-15/${path.posix.basename(key)}`;
    expect(listed.Contents?.map((object) => object.Key)).toContain(target);
    const copy = await client.send(new GetObjectCommand({ Bucket: 'library', Key: target }));
    expect(md5(await copy.Body!.transformToByteArray())).toBe(md5(body));
    const head = await client.send(new HeadObjectCommand({ Bucket: 'library', Key: target }));
    expect(decodeURIComponent(head.Metadata?.['source-key'] ?? '')).toBe(key);
  });
});
