import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, encodeEventKey, startLocalS3 } from '../src/local-s3.js';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');
async function crc64nvme(bytes: Uint8Array): Promise<string> {
  const crc = new Crc64Nvme();
  crc.update(bytes);
  return Buffer.from(await crc.digest()).toString('base64');
}
const MiB = 1024 * 1024;

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

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
  it('deletes with If-Match only the object that still has that ETag', async () => {
    const client = s3.client();
    const first = await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'del/photo.jpg', Body: 'first' }));
    const second = await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'del/photo.jpg', Body: 'second' }));
    await expect(client.send(new DeleteObjectCommand({ Bucket: 'source', Key: 'del/photo.jpg', IfMatch: first.ETag }))).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    const kept = await client.send(new GetObjectCommand({ Bucket: 'source', Key: 'del/photo.jpg' }));
    expect(await kept.Body!.transformToString()).toBe('second');

    await client.send(new DeleteObjectCommand({ Bucket: 'source', Key: 'del/photo.jpg', IfMatch: second.ETag }));
    await expect(client.send(new HeadObjectCommand({ Bucket: 'source', Key: 'del/photo.jpg' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    // If-Match on a key with no object: 404 NoSuchKey; without a condition: 204 as always.
    await expect(client.send(new DeleteObjectCommand({ Bucket: 'source', Key: 'del/photo.jpg', IfMatch: second.ETag }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    const plain = await client.send(new DeleteObjectCommand({ Bucket: 'source', Key: 'del/photo.jpg' }));
    expect(plain.$metadata.httpStatusCode).toBe(204);
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
  it('writes with If-Match only over the object that has that ETag, and If-None-Match: * only where there is none', async () => {
    const client = s3.client();
    const put = await client.send(new PutObjectCommand({ Bucket: 'dest', Key: 'cond/w.bin', Body: 'one', IfNoneMatch: '*' }));
    await expect(client.send(new PutObjectCommand({ Bucket: 'dest', Key: 'cond/w.bin', Body: 'two', IfMatch: '"0123"' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    await client.send(new PutObjectCommand({ Bucket: 'dest', Key: 'cond/w.bin', Body: 'three', IfMatch: put.ETag }));
    const now = await client.send(new GetObjectCommand({ Bucket: 'dest', Key: 'cond/w.bin' }));
    expect(await now.Body!.transformToString()).toBe('three');
    await expect(client.send(new PutObjectCommand({ Bucket: 'dest', Key: 'cond/none.bin', Body: 'x', IfMatch: put.ETag }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('copies one version of the source whole: a CopyObject or UploadPartCopy racing a PutObject of its source gets the version it named, or 412', async () => {
    // S3 copies one version atomically; s3rver reads the source's file after the condition check,
    // so the compatibility layer holds the source's key from the check to the last byte read.
    const client = s3.client();
    let copied = 0;
    let refused = 0;
    for (let round = 0; round < 30; round++) {
      const first = randomBytes(2 * MiB);
      const second = randomBytes(2 * MiB);
      const key = `race/${round}.bin`;
      const put = await client.send(new PutObjectCommand({ Bucket: 'source', Key: key, Body: first }));
      const multipart = round % 2 === 1;
      const copy = async () => {
        if (!multipart) {
          await client.send(new CopyObjectCommand({ Bucket: 'dest', Key: key, CopySource: `source/${key}`, CopySourceIfMatch: put.ETag }));
          return;
        }
        const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'dest', Key: key }));
        const part = await client.send(new UploadPartCopyCommand({ Bucket: 'dest', Key: key, UploadId, PartNumber: 1, CopySource: `source/${key}`, CopySourceIfMatch: put.ETag }));
        await client.send(
          new CompleteMultipartUploadCommand({ Bucket: 'dest', Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag! }] } }),
        );
      };
      const [copyResult] = await Promise.allSettled([copy(), client.send(new PutObjectCommand({ Bucket: 'source', Key: key, Body: second }))]);
      if (copyResult.status === 'rejected') {
        expect((copyResult.reason as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(412);
        refused++;
        continue;
      }
      const object = await client.send(new GetObjectCommand({ Bucket: 'dest', Key: key }));
      expect(md5(await object.Body!.transformToByteArray())).toBe(md5(first));
      copied++;
    }
    expect(copied + refused).toBe(30);
  });

  it("refuses to store a key it would resolve as another path ('x/../../escape.jpg', 'a//b.jpg', a NUL); a '..' as the last segment works", async () => {
    const client = s3.client();
    const escape = `x/../../escape-${randomBytes(4).toString('hex')}.jpg`;
    await expect(client.send(new PutObjectCommand({ Bucket: 'source', Key: escape, Body: 'payload' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
    await expect(client.send(new PutObjectCommand({ Bucket: 'source', Key: 'nul\u0000byte.jpg', Body: 'payload' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
    await expect(client.send(new GetObjectCommand({ Bucket: 'source', Key: escape }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(client.send(new CopyObjectCommand({ Bucket: 'dest', Key: 'copied.jpg', CopySource: `source/${escape}` }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    // An empty folder segment would name the same file as the key without it.
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'a/b.jpg', Body: 'a/b' }));
    await expect(client.send(new PutObjectCommand({ Bucket: 'source', Key: 'a//b.jpg', Body: 'a//b' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
    expect(await (await client.send(new GetObjectCommand({ Bucket: 'source', Key: 'a/b.jpg' }))).Body!.transformToString()).toBe('a/b');
    // Nothing was written next to the bucket folders.
    expect(existsSync(path.join(s3.directory, path.basename(escape)))).toBe(false);
    expect(existsSync(path.join(s3.directory, `${path.basename(escape)}._S3rver_object`))).toBe(false);
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'photos/..', Body: 'dot dot' }));
    const stored = await client.send(new GetObjectCommand({ Bucket: 'source', Key: 'photos/..' }));
    expect(await stored.Body!.transformToString()).toBe('dot dot');
  });

  it('answers ListObjectsV2 while objects under its prefix are being deleted (no 500 from a file gone mid-walk)', async () => {
    // s3rver walks the bucket's folder (readdir, then stat of each entry): a delete between the two
    // made the listing throw ENOENT, answered 500 InternalError. S3 lists either state.
    const client = s3.client();
    const failures: string[] = [];
    for (let round = 0; round < 40; round++) {
      const keys = Array.from({ length: 15 }, (_, index) => `listing-race/${round}/sub${index % 3}/k${index}.jpg`);
      await Promise.all(keys.map((key) => client.send(new PutObjectCommand({ Bucket: 'source', Key: key, Body: key }))));
      const lists = Array.from({ length: 4 }, () =>
        client.send(new ListObjectsV2Command({ Bucket: 'source', Prefix: `listing-race/${round}/` })).catch((error: Error) => {
          failures.push(`${error.name}: ${error.message}`);
        }),
      );
      await Promise.all([...keys.map((key) => client.send(new DeleteObjectCommand({ Bucket: 'source', Key: key }))), ...lists]);
    }
    expect(failures).toEqual([]);
  });

  it('serialises concurrent conditional creates: exactly one If-None-Match: * wins', async () => {
    const client = s3.client();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) => client.send(new PutObjectCommand({ Bucket: 'dest', Key: 'cond/race.bin', Body: `writer ${index}`, IfNoneMatch: '*' }))),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((result) => result.status === 'rejected')) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({ $metadata: { httpStatusCode: 412 } });
    }
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_Checksum.html
  it('stores the default CRC64NVME of an upload without a checksum and returns it with ChecksumMode ENABLED', async () => {
    const client = s3.client();
    const body = randomBytes(300_000);
    const put = await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'sum/default.bin', Body: body }));
    expect(put.ChecksumCRC64NVME).toBe(await crc64nvme(body));
    const head = await client.send(new HeadObjectCommand({ Bucket: 'source', Key: 'sum/default.bin', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({ ChecksumCRC64NVME: await crc64nvme(body), ChecksumType: 'FULL_OBJECT' });
    const plainHead = await client.send(new HeadObjectCommand({ Bucket: 'source', Key: 'sum/default.bin' }));
    expect(plainHead.ChecksumCRC64NVME).toBeUndefined();
    const get = await client.send(new GetObjectCommand({ Bucket: 'source', Key: 'sum/default.bin', ChecksumMode: 'ENABLED' }));
    expect(get.ChecksumCRC64NVME).toBe(await crc64nvme(body));
    await get.Body!.transformToByteArray();
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
  it('verifies a checksum sent with PutObject: a wrong one is refused with BadDigest and stores nothing', async () => {
    const client = s3.client();
    const body = randomBytes(1000);
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'sum/sent.bin', Body: body, ChecksumSHA256: sha256(body) }));
    const head = await client.send(new HeadObjectCommand({ Bucket: 'source', Key: 'sum/sent.bin', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({ ChecksumSHA256: sha256(body), ChecksumType: 'FULL_OBJECT' });

    await expect(
      client.send(new PutObjectCommand({ Bucket: 'source', Key: 'sum/sent.bin', Body: randomBytes(1000), ChecksumCRC64NVME: await crc64nvme(body) })),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    const still = await client.send(new GetObjectCommand({ Bucket: 'source', Key: 'sum/sent.bin' }));
    expect(Buffer.from(await still.Body!.transformToByteArray())).toEqual(body);
  });

  it('computes the checksum a CopyObject asks for, over the copied bytes', async () => {
    const client = s3.client();
    const body = randomBytes(70_000);
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'sum/copy-src.bin', Body: body }));
    const copied = await client.send(
      new CopyObjectCommand({ Bucket: 'dest', Key: 'sum/copy.bin', CopySource: 'source/sum/copy-src.bin', ChecksumAlgorithm: 'CRC64NVME', IfNoneMatch: '*' }),
    );
    expect(copied.CopyObjectResult).toMatchObject({ ChecksumCRC64NVME: await crc64nvme(body), ETag: `"${md5(body)}"` });
    const sha = await client.send(new CopyObjectCommand({ Bucket: 'dest', Key: 'sum/copy-sha.bin', CopySource: 'source/sum/copy-src.bin', ChecksumAlgorithm: 'SHA256' }));
    expect(sha.CopyObjectResult?.ChecksumSHA256).toBe(sha256(body));
    const head = await client.send(new HeadObjectCommand({ Bucket: 'dest', Key: 'sum/copy-sha.bin', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(sha256(body));
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
  it('copies in parts with a full-object CRC64NVME, a multipart ETag, and x-amz-copy-source-if-match honoured', async () => {
    const client = s3.client();
    const body = randomBytes(11 * MiB + 3);
    const source = await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'sum/big.bin', Body: body }));
    const { UploadId, ChecksumAlgorithm, ChecksumType } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'dest', Key: 'sum/big-copy.bin', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'FULL_OBJECT' }),
    );
    expect({ ChecksumAlgorithm, ChecksumType }).toEqual({ ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'FULL_OBJECT' });
    await expect(
      client.send(
        new UploadPartCopyCommand({ Bucket: 'dest', Key: 'sum/big-copy.bin', UploadId, PartNumber: 1, CopySource: 'source/sum/big.bin', CopySourceIfMatch: '"0123"', CopySourceRange: 'bytes=0-99' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const ranges = [[0, 6 * MiB - 1], [6 * MiB, body.length - 1]] as const;
    const parts = [];
    for (const [index, [first, last]] of ranges.entries()) {
      const part = await client.send(
        new UploadPartCopyCommand({
          Bucket: 'dest', Key: 'sum/big-copy.bin', UploadId, PartNumber: index + 1, CopySource: 'source/sum/big.bin', CopySourceIfMatch: source.ETag, CopySourceRange: `bytes=${first}-${last}`,
        }),
      );
      expect(part.CopyPartResult?.ChecksumCRC64NVME).toBe(await crc64nvme(body.subarray(first, last + 1)));
      parts.push({ PartNumber: index + 1, ETag: part.CopyPartResult!.ETag! });
    }
    const completed = s3.waitForObjectCreated((record) => record.s3.object.key === 'sum/big-copy.bin');
    const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: 'dest', Key: 'sum/big-copy.bin', UploadId, MultipartUpload: { Parts: parts }, IfNoneMatch: '*' }));
    expect(done).toMatchObject({ ChecksumCRC64NVME: await crc64nvme(body), ChecksumType: 'FULL_OBJECT' });
    // S3's multipart ETag: MD5 of the binary part MD5s, then -<parts>; not the MD5 of the bytes.
    const partMd5s = Buffer.concat(ranges.map(([first, last]) => createHash('md5').update(body.subarray(first, last + 1)).digest()));
    expect(done.ETag).toBe(`"${createHash('md5').update(partMd5s).digest('hex')}-2"`);
    expect(await completed).toMatchObject({ eventName: 'ObjectCreated:CompleteMultipartUpload', s3: { object: { size: body.length, eTag: done.ETag!.replace(/"/g, '') } } });
    const head = await client.send(new HeadObjectCommand({ Bucket: 'dest', Key: 'sum/big-copy.bin', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({ ETag: done.ETag, ChecksumCRC64NVME: await crc64nvme(body), ChecksumType: 'FULL_OBJECT', ContentLength: body.length });
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html, API_ListParts.html, API_AbortMultipartUpload.html
  it('lists multipart uploads in progress and their parts, and aborts them', async () => {
    const client = s3.client();
    const part1 = randomBytes(5 * MiB);
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'dest', Key: 'mpu/held.bin', ContentType: 'image/jpeg', Metadata: { 'source-etag': 'abc' }, ChecksumAlgorithm: 'CRC64NVME' }),
    );
    const other = await client.send(new CreateMultipartUploadCommand({ Bucket: 'dest', Key: 'other/x.bin' }));
    const uploaded = await client.send(new UploadPartCommand({ Bucket: 'dest', Key: 'mpu/held.bin', UploadId, PartNumber: 1, Body: part1 }));
    expect(uploaded.ETag).toBe(`"${md5(part1)}"`);
    expect(uploaded.ChecksumCRC64NVME).toBe(await crc64nvme(part1));
    await client.send(new UploadPartCommand({ Bucket: 'dest', Key: 'mpu/held.bin', UploadId, PartNumber: 3, Body: 'tail' }));

    const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: 'dest', Prefix: 'mpu/' }));
    expect(listed.Uploads?.map((upload) => [upload.Key, upload.UploadId, upload.ChecksumAlgorithm])).toEqual([['mpu/held.bin', UploadId, 'CRC64NVME']]);
    const parts = await client.send(new ListPartsCommand({ Bucket: 'dest', Key: 'mpu/held.bin', UploadId }));
    expect(parts.Parts?.map((part) => [part.PartNumber, part.Size, part.ETag])).toEqual([
      [1, 5 * MiB, `"${md5(part1)}"`],
      [3, 4, `"${md5(Buffer.from('tail'))}"`],
    ]);
    expect(parts.Parts?.[0]?.ChecksumCRC64NVME).toBe(await crc64nvme(part1));
    const page = await client.send(new ListPartsCommand({ Bucket: 'dest', Key: 'mpu/held.bin', UploadId, MaxParts: 1 }));
    expect(page).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '1' });

    await client.send(new AbortMultipartUploadCommand({ Bucket: 'dest', Key: 'mpu/held.bin', UploadId }));
    await expect(client.send(new ListPartsCommand({ Bucket: 'dest', Key: 'mpu/held.bin', UploadId }))).rejects.toMatchObject({
      name: 'NoSuchUpload',
      $metadata: { httpStatusCode: 404 },
    });
    expect((await client.send(new ListMultipartUploadsCommand({ Bucket: 'dest', Prefix: 'mpu/' }))).Uploads ?? []).toEqual([]);
    await client.send(new AbortMultipartUploadCommand({ Bucket: 'dest', Key: 'other/x.bin', UploadId: other.UploadId }));
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
  it('refuses to complete with a small middle part, an unknown part ETag, or parts out of order', async () => {
    const client = s3.client();
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'dest', Key: 'mpu/bad.bin' }));
    const small = await client.send(new UploadPartCommand({ Bucket: 'dest', Key: 'mpu/bad.bin', UploadId, PartNumber: 1, Body: 'small' }));
    const last = await client.send(new UploadPartCommand({ Bucket: 'dest', Key: 'mpu/bad.bin', UploadId, PartNumber: 2, Body: 'last' }));
    const complete = (Parts: { PartNumber: number; ETag: string }[]) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: 'dest', Key: 'mpu/bad.bin', UploadId, MultipartUpload: { Parts } }));
    await expect(complete([{ PartNumber: 1, ETag: small.ETag! }, { PartNumber: 2, ETag: last.ETag! }])).rejects.toMatchObject({ name: 'EntityTooSmall' });
    await expect(complete([{ PartNumber: 2, ETag: '"0123"' }])).rejects.toMatchObject({ name: 'InvalidPart' });
    await expect(complete([{ PartNumber: 2, ETag: last.ETag! }, { PartNumber: 1, ETag: small.ETag! }])).rejects.toMatchObject({ name: 'InvalidPartOrder' });
    await complete([{ PartNumber: 2, ETag: last.ETag! }]);
    const object = await client.send(new GetObjectCommand({ Bucket: 'dest', Key: 'mpu/bad.bin' }));
    expect(await object.Body!.transformToString()).toBe('last');
  });

  it('refuses a completion whose full-object checksum differs from the one given, and keeps what the key held', async () => {
    const client = s3.client();
    await client.send(new PutObjectCommand({ Bucket: 'dest', Key: 'mpu/verified.bin', Body: 'before' }));
    const body = randomBytes(5 * MiB + 10);
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'dest', Key: 'mpu/verified.bin', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'FULL_OBJECT' }),
    );
    const first = await client.send(new UploadPartCommand({ Bucket: 'dest', Key: 'mpu/verified.bin', UploadId, PartNumber: 1, Body: body.subarray(0, 5 * MiB) }));
    const second = await client.send(new UploadPartCommand({ Bucket: 'dest', Key: 'mpu/verified.bin', UploadId, PartNumber: 2, Body: body.subarray(5 * MiB) }));
    const Parts = [
      { PartNumber: 1, ETag: first.ETag!, ChecksumCRC64NVME: first.ChecksumCRC64NVME! },
      { PartNumber: 2, ETag: second.ETag!, ChecksumCRC64NVME: second.ChecksumCRC64NVME! },
    ];
    await expect(
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'dest', Key: 'mpu/verified.bin', UploadId, MultipartUpload: { Parts }, ChecksumType: 'FULL_OBJECT', ChecksumCRC64NVME: await crc64nvme(Buffer.from('other bytes')),
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    const kept = await client.send(new GetObjectCommand({ Bucket: 'dest', Key: 'mpu/verified.bin' }));
    expect(await kept.Body!.transformToString()).toBe('before');
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'dest', Key: 'mpu/verified.bin', UploadId, MultipartUpload: { Parts }, ChecksumType: 'FULL_OBJECT', ChecksumCRC64NVME: await crc64nvme(body),
      }),
    );
    expect(done.ChecksumCRC64NVME).toBe(await crc64nvme(body));
  });

  it('puts eTag and size in the records of copies', async () => {
    const client = s3.client();
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'ev/a.bin', Body: 'abc' }));
    const event = s3.waitForObjectCreated((record) => record.s3.object.key === 'ev/a-copy.bin');
    await client.send(new CopyObjectCommand({ Bucket: 'dest', Key: 'ev/a-copy.bin', CopySource: 'source/ev/a.bin' }));
    expect((await event).s3.object).toMatchObject({ size: 3, eTag: md5(Buffer.from('abc')) });
  });

  it('encodes event keys the way S3 does', () => {
    expect(encodeEventKey('a b/c+d.jpg')).toBe('a+b/c%2Bd.jpg');
  });
});
