import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, encodeEventKey, startLocalS3 } from '../src/local-s3.js';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

describe('local S3 server', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['source', 'dest'] });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('listens on loopback only', () => {
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('delivers an ObjectCreated event, answers a Range GET and copies server-side', async () => {
    const client = s3.client();
    const body = randomBytes(200_000);
    const key = 'incoming/red flower+1 & 100% café.jpg';
    const event = s3.waitForObjectCreated((record) => record.s3.bucket.name === 'source');

    await client.send(new PutObjectCommand({ Bucket: 'source', Key: key, Body: body, ContentType: 'image/jpeg' }));
    const record = await event;
    expect(record.eventName).toBe('ObjectCreated:Put');
    expect(record.s3.object.key).toBe('incoming/red+flower%2B1+%26+100%25+caf%C3%A9.jpg');
    expect(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '))).toBe(key);
    expect(record.s3.bucket.arn).toBe('arn:aws:s3:::source');
    expect(record.s3.object.size).toBe(body.length);

    const range = await client.send(new GetObjectCommand({ Bucket: 'source', Key: key, Range: 'bytes=65536-131071' }));
    expect(range.ContentRange).toBe(`bytes 65536-131071/${body.length}`);
    expect(Buffer.from(await range.Body!.transformToByteArray())).toEqual(body.subarray(65536, 131072));

    const suffix = await client.send(new GetObjectCommand({ Bucket: 'source', Key: key, Range: 'bytes=-10' }));
    expect(Buffer.from(await suffix.Body!.transformToByteArray())).toEqual(body.subarray(body.length - 10));

    const copied = s3.waitForObjectCreated((record) => record.s3.bucket.name === 'dest');
    await client.send(
      new CopyObjectCommand({
        Bucket: 'dest',
        Key: '2018-02-01/red flower+1 & 100% café.jpg',
        CopySource: `source/${encodeURIComponent(key)}`,
        MetadataDirective: 'REPLACE',
        ContentType: 'image/jpeg',
        Metadata: { 'capture-date': '2018-02-01T10:00:00' },
      }),
    );
    const copyRecord = await copied;
    expect(copyRecord.eventName).toBe('ObjectCreated:Copy');
    const head = await client.send(new HeadObjectCommand({ Bucket: 'dest', Key: '2018-02-01/red flower+1 & 100% café.jpg' }));
    expect(head.ContentType).toBe('image/jpeg');
    expect(head.Metadata).toEqual({ 'capture-date': '2018-02-01T10:00:00' });
    expect(head.ETag).toBe(`"${md5(body)}"`);
  });

  it('answers conditional requests with 412 as S3 does', async () => {
    const client = s3.client();
    const put = await client.send(new PutObjectCommand({ Bucket: 'dest', Key: 'cond.bin', Body: 'one' }));
    await expect(
      client.send(new PutObjectCommand({ Bucket: 'dest', Key: 'cond.bin', Body: 'two', IfNoneMatch: '*' })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    await expect(
      client.send(new GetObjectCommand({ Bucket: 'dest', Key: 'cond.bin', IfMatch: '"0123"' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const ok = await client.send(new GetObjectCommand({ Bucket: 'dest', Key: 'cond.bin', IfMatch: put.ETag! }));
    expect(await ok.Body!.transformToString()).toBe('one');
    await expect(
      client.send(
        new CopyObjectCommand({ Bucket: 'dest', Key: 'cond.bin', CopySource: 'dest/cond.bin', IfNoneMatch: '*', MetadataDirective: 'REPLACE' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });

  it('answers a Range GET of an empty object with 416, like S3', async () => {
    const client = s3.client();
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'empty.jpg', Body: new Uint8Array(0) }));
    await expect(
      client.send(new GetObjectCommand({ Bucket: 'source', Key: 'empty.jpg', Range: 'bytes=0-65535' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 416 } });
  });

  it('copies in parts with UploadPartCopy', async () => {
    const client = s3.client();
    const body = randomBytes(6 * 1024 * 1024 + 5);
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'big.bin', Body: body }));
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'dest', Key: 'big-copy.bin' }));
    const half = 5 * 1024 * 1024;
    const parts = await Promise.all(
      [`bytes=0-${half - 1}`, `bytes=${half}-${body.length - 1}`].map(async (range, index) => {
        const part = await client.send(
          new UploadPartCopyCommand({ Bucket: 'dest', Key: 'big-copy.bin', UploadId, PartNumber: index + 1, CopySource: 'source/big.bin', CopySourceRange: range }),
        );
        return { PartNumber: index + 1, ETag: part.CopyPartResult!.ETag! };
      }),
    );
    const completed = s3.waitForObjectCreated((record) => record.s3.object.key === 'big-copy.bin');
    await client.send(new CompleteMultipartUploadCommand({ Bucket: 'dest', Key: 'big-copy.bin', UploadId, MultipartUpload: { Parts: parts } }));
    expect((await completed).eventName).toBe('ObjectCreated:CompleteMultipartUpload');
    const copy = await client.send(new GetObjectCommand({ Bucket: 'dest', Key: 'big-copy.bin' }));
    expect(md5(await copy.Body!.transformToByteArray())).toBe(md5(body));
  });

  it('paginates ListObjectsV2', async () => {
    const client = s3.client();
    await Promise.all(
      Array.from({ length: 7 }, (_, index) => client.send(new PutObjectCommand({ Bucket: 'source', Key: `page/${index}.txt`, Body: `${index}` }))),
    );
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: 'source', Prefix: 'page/', MaxKeys: 3, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(keys.sort()).toEqual(Array.from({ length: 7 }, (_, index) => `page/${index}.txt`));
  });

  it('lists keys with XML-special characters exactly', async () => {
    const client = s3.client();
    const key = `xml/a & b <c> 'd' "e" &amp;.jpg`;
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: key, Body: 'x' }));
    const page = await client.send(new ListObjectsV2Command({ Bucket: 'source', Prefix: 'xml/' }));
    expect(page.Contents?.map((object) => object.Key)).toEqual([key]);
  });

  it('encodes event keys the way S3 does', () => {
    expect(encodeEventKey('a b/c+d.jpg')).toBe('a+b/c%2Bd.jpg');
  });
});
