import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startFaultProxy, startLocalS3, type FaultProxy, type LocalS3 } from '@photo-organizer/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRangeReader, ObjectChangedError, ObjectSupersededError } from '../src/index.js';
import { firstDifference, putObject, seededBytes } from './helpers.js';

const KiB = 1024;
const SIZE = 3 * 1024 * KiB + 11;
const source = seededBytes(SIZE, 5);
let s3: LocalS3;
let proxy: FaultProxy | undefined;

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: ['source'] });
  await putObject(s3.client(), 'source', 'object', source);
});
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});
afterAll(async () => {
  await s3?.stop();
});

describe("the first response tells the object's facts", () => {
  it('size, ETag, LastModified, ContentType and user metadata come from the first ranged GET: no HEAD', async () => {
    // Prepare
    const client = s3.client();
    const put = await client.send(
      new PutObjectCommand({ Bucket: 'source', Key: 'with-metadata.jpg', Body: source.subarray(0, 200_000), ContentType: 'image/jpeg', Metadata: { 'organized-by': 'photo-organizer' } }),
    );
    const reader = createRangeReader({ client, bucket: 'source', key: 'with-metadata.jpg' });
    // Act
    const facts = await reader.facts();
    const bytes = await reader.read(0, 100);
    // Assess
    expect(facts).toMatchObject({ size: 200_000, etag: put.ETag, contentType: 'image/jpeg', metadata: { 'organized-by': 'photo-organizer' }, versionId: undefined });
    expect(facts.lastModified).toBeInstanceOf(Date);
    expect(firstDifference(bytes, source.subarray(0, 100))).toBeUndefined();
    expect(reader.stats.requests).toBe(1); // the GET of block 0 (the whole 200 KB: within readToEndWithin), nothing else
    expect(reader.etag).toBe(put.ETag);
  });

  it('a 0-byte object (ranged GET answers 416) gets its facts from one HEAD', async () => {
    const client = s3.client();
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'empty.jpg', Body: new Uint8Array(0), ContentType: 'image/jpeg' }));
    const reader = createRangeReader({ client, bucket: 'source', key: 'empty.jpg' });
    const facts = await reader.facts();
    expect(facts).toMatchObject({ size: 0, contentType: 'image/jpeg' });
  });
});

describe('pinning', () => {
  it('with the ETag known up front (an S3 event), the first GET already carries If-Match: a newer upload is ObjectSupersededError', async () => {
    // Prepare: the event's object, then a newer upload under the same key before the function reads.
    const client = s3.client();
    const eventEtag = await putObject(client, 'source', 'superseded', seededBytes(100_000, 1));
    await putObject(client, 'source', 'superseded', seededBytes(100_000, 2));
    const reader = createRangeReader({ client, bucket: 'source', key: 'superseded', etag: eventEtag.replaceAll('"', ''), size: 100_000 });
    // Act
    const failure = await reader.facts().catch((error: unknown) => error);
    // Assess: no byte of the newer version was returned; the error says which ETag was expected.
    expect(failure).toBeInstanceOf(ObjectSupersededError);
    expect(failure).toBeInstanceOf(ObjectChangedError);
    expect(failure).toMatchObject({ statusCode: 412, expected: eventEtag, attempt: 1 });
    expect(reader.stats.requests).toBe(1);
  });
});

describe('prefetch', () => {
  it('requests head, tail and other ranges concurrently, then reads them from the cache', async () => {
    // Prepare: 200 ms before each response's first byte, so sequential requests would be >= 200 ms apart.
    proxy = await startFaultProxy({ target: s3.endpoint, firstByteLatencyMs: 200 });
    const client = s3.client({ endpoint: proxy.endpoint });
    const reader = createRangeReader({ client, bucket: 'source', key: 'object', size: SIZE, readToEndWithin: 0 });
    // Act
    await reader.prefetch({ head: 64 * KiB, tail: 64 * KiB, ranges: [{ offset: 1024 * KiB, length: 100 }] });
    const reads = [await reader.read(0, 1000), await reader.read(SIZE - 1, 1), await reader.read(1024 * KiB, 100)];
    // Assess
    const gets = proxy.requests.filter((request) => request.method === 'GET');
    expect(gets).toHaveLength(3);
    const arrivals = gets.map((request) => request.at);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(200);
    expect(reader.stats.requests).toBe(3); // the reads came from the cache
    expect(firstDifference(reads[0]!, source.subarray(0, 1000))).toBeUndefined();
    expect(firstDifference(reads[1]!, source.subarray(SIZE - 1))).toBeUndefined();
    expect(firstDifference(reads[2]!, source.subarray(1024 * KiB, 1024 * KiB + 100))).toBeUndefined();
  });

  it('without a known size, asks for the tail as soon as the head response tells the size', async () => {
    const client = s3.client();
    const reader = createRangeReader({ client, bucket: 'source', key: 'object', readToEndWithin: 0 });
    await reader.prefetch({ head: 64 * KiB, tail: 100 });
    expect(reader.stats.requests).toBe(2);
    expect(firstDifference(await reader.read(SIZE - 100, 100), source.subarray(SIZE - 100))).toBeUndefined();
    expect(reader.stats.requests).toBe(2);
  });

  it('never rejects: a failed prefetch leaves the blocks uncached and the read reports the error', async () => {
    const client = s3.client();
    const reader = createRangeReader({ client, bucket: 'source', key: 'no-such-key', size: SIZE, retries: 0 });
    await expect(reader.prefetch({ head: 1000, tail: 1000 })).resolves.toBeUndefined();
    await expect(reader.read(0, 10)).rejects.toMatchObject({ name: 'ObjectNotFoundError' });
  });
});

describe('read to the end', () => {
  it('a miss near the end fetches to the end in one GET; a miss far from it fetches its blocks only', async () => {
    // Prepare: size known (as from an event), 64 KiB blocks, 256 KiB window.
    const client = s3.client();
    const reader = createRangeReader({ client, bucket: 'source', key: 'object', size: SIZE });
    // Act
    const far = await reader.read(1024 * KiB, 10); // 2 MiB from the end: block 16 only
    const afterFar = reader.stats.requests;
    const near = await reader.read(SIZE - 200 * KiB, 10); // within 256 KiB of the end: to the end
    const afterNear = reader.stats;
    const tail = await reader.read(SIZE - 8, 8); // already fetched
    // Assess
    expect(afterFar).toBe(1);
    expect(afterNear.requests).toBe(2);
    const nearBlockStart = Math.floor((SIZE - 200 * KiB) / (64 * KiB)) * 64 * KiB;
    expect(afterNear.bytesFetched).toBe(64 * KiB + (SIZE - nearBlockStart));
    expect(reader.stats.requests).toBe(2);
    expect(firstDifference(far, source.subarray(1024 * KiB, 1024 * KiB + 10))).toBeUndefined();
    expect(firstDifference(near, source.subarray(SIZE - 200 * KiB, SIZE - 200 * KiB + 10))).toBeUndefined();
    expect(firstDifference(tail, source.subarray(SIZE - 8))).toBeUndefined();
  });

  it('readToEndWithin: 0 turns it off', async () => {
    const reader = createRangeReader({ client: s3.client(), bucket: 'source', key: 'object', size: SIZE, readToEndWithin: 0 });
    await reader.read(SIZE - 200 * KiB, 10);
    await reader.read(SIZE - 8, 8);
    expect(reader.stats.requests).toBe(2);
  });
});
