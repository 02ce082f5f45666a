import { GetObjectCommand } from '@aws-sdk/client-s3';
import { startFaultProxy, startLocalS3, type FaultProxy, type LocalS3 } from '@photo-organizer/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRangeReader, ObjectChangedError, ObjectNotFoundError, ObjectSupersededError, RequestFailedError } from '../src/index.js';
import { collect, firstDifference, putObject, seededBytes, seededRandom } from './helpers.js';

const SIZE = 3 * 1024 * 1024 + 7;
const source = seededBytes(SIZE, 99);
let s3: LocalS3;
let proxy: FaultProxy | undefined;
// Short backoff keeps the suite quick; the policy is the same.
const fast = { retryMinDelay: 5, retryMaxDelay: 20 } as const;

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: ['source'] });
  await putObject(s3.client(), 'source', 'faulty', source);
});
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});
afterAll(async () => {
  await s3?.stop();
});

const onlyGets = ({ method }: { method: string }) => method === 'GET';

describe('through a fault-injecting proxy', () => {
  it('stays byte-exact sequentially and randomly under seeded resets, 503 SlowDown and 500', async () => {
    // Prepare
    proxy = await startFaultProxy({
      target: s3.endpoint,
      filter: onlyGets,
      faults: { probability: 0.35, kinds: ['reset-mid-body', 'slowdown', 'internal'], seed: 7 },
    });
    const client = s3.client({ endpoint: proxy.endpoint });
    const sequential = createRangeReader({ client, bucket: 'source', key: 'faulty', retries: 10, ...fast });
    const randomAccess = createRangeReader({ client, bucket: 'source', key: 'faulty', retries: 10, maxCachedBlocks: 4, ...fast });
    const random = seededRandom(3);
    const pairs = Array.from({ length: 40 }, () => [Math.floor(random() * SIZE), Math.floor(random() * 300_000)] as const);
    // Act
    const { bytes } = await collect(sequential.chunks());
    const reads: Uint8Array[] = [];
    for (const [offset, length] of pairs) reads.push(await randomAccess.read(offset, length));
    // Assess
    expect(firstDifference(bytes, source)).toBeUndefined();
    pairs.forEach(([offset, length], index) => {
      expect(firstDifference(reads[index]!, source.subarray(offset, Math.min(offset + length, SIZE))), `read(${offset}, ${length})`).toBeUndefined();
    });
    const { faults } = proxy.stats;
    expect(faults['reset-mid-body']).toBeGreaterThan(0);
    expect(faults.slowdown).toBeGreaterThan(0);
    expect(faults.internal).toBeGreaterThan(0);
    const retries = sequential.stats.retries + randomAccess.stats.retries;
    expect(retries).toBe(faults['reset-mid-body'] + faults.slowdown + faults.internal);
    // One send is one HTTP request: the reader replaced the SDK's own retries for its commands.
    expect(sequential.stats.requests + randomAccess.stats.requests).toBe(proxy.requests.length);
  });

  it('resumes after a reset from the last byte received, not from the start of the range', async () => {
    // Prepare
    proxy = await startFaultProxy({ target: s3.endpoint, faults: { schedule: ['reset-mid-body'] }, resetFraction: 0.5 });
    const reader = createRangeReader({ client: s3.client({ endpoint: proxy.endpoint }), bucket: 'source', key: 'faulty', ...fast });
    // Act
    const bytes = await reader.read(0, 1_000_000);
    // Assess
    expect(firstDifference(bytes, source.subarray(0, 1_000_000))).toBeUndefined();
    const ranges = proxy.requests.map((request) => request.range);
    expect(ranges[0]).toMatch(/^bytes=0-/);
    const resumedAt = Number(/^bytes=(\d+)-/.exec(ranges[1]!)![1]);
    expect(resumedAt).toBeGreaterThan(0);
    // 16 aligned blocks, each byte fetched exactly once across the reset and the resumed request.
    expect(reader.stats.bytesFetched).toBe(16 * 64 * 1024);
    expect(reader.stats.retries).toBe(1);
  });

  it('gives up after `retries` and reports bucket, key, range and attempt', async () => {
    // Prepare
    proxy = await startFaultProxy({ target: s3.endpoint, faults: { schedule: ['slowdown', 'slowdown', 'slowdown'] } });
    const reader = createRangeReader({ client: s3.client({ endpoint: proxy.endpoint }), bucket: 'source', key: 'faulty', retries: 2, ...fast });
    // Act
    const failure = await reader.read(0, 10).catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(RequestFailedError);
    expect(failure).toMatchObject({ bucket: 'source', key: 'faulty', range: 'bytes=0-65535', attempt: 3, retryable: true, code: 'SlowDown', statusCode: 503 });
    expect(proxy.requests).toHaveLength(3);
  });

  it('does not retry a 404', async () => {
    // Prepare
    proxy = await startFaultProxy({ target: s3.endpoint });
    const reader = createRangeReader({ client: s3.client({ endpoint: proxy.endpoint }), bucket: 'source', key: 'missing', ...fast });
    // Act
    const failure = await reader.read(0, 10).catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(ObjectNotFoundError);
    expect(failure).toMatchObject({ key: 'missing', attempt: 1, statusCode: 404 });
    expect(proxy.requests).toHaveLength(1);
  });
});

describe('one version of the object', () => {
  it('raises ObjectChangedError when the object is overwritten between two reads', async () => {
    // Prepare
    const client = s3.client();
    await putObject(client, 'source', 'changing', seededBytes(200_000, 1));
    const reader = createRangeReader({ client, bucket: 'source', key: 'changing' });
    const first = await reader.read(0, 100);
    await putObject(client, 'source', 'changing', seededBytes(200_000, 2));
    // Act
    const failure = await reader.read(150_000, 100).catch((error: unknown) => error);
    // Assess
    expect(first.byteLength).toBe(100);
    expect(failure).toBeInstanceOf(ObjectChangedError);
    expect(failure).toBeInstanceOf(ObjectSupersededError); // a 412 to If-Match: its own type
    // The miss is within readToEndWithin of the end: one GET to the end (200,000 bytes).
    expect(failure).toMatchObject({ bucket: 'source', key: 'changing', range: 'bytes=131072-199999', attempt: 1, statusCode: 412 });
  });

  it('never mixes versions in sequential chunks', async () => {
    // Prepare
    const client = s3.client();
    await putObject(client, 'source', 'changing-stream', seededBytes(1_000_000, 3));
    const reader = createRangeReader({ client, bucket: 'source', key: 'changing-stream' });
    const chunks: Uint8Array[] = [];
    // Act
    const failure = await (async () => {
      for await (const chunk of reader.chunks()) {
        chunks.push(chunk);
        if (chunks.length === 1) await putObject(client, 'source', 'changing-stream', seededBytes(1_000_000, 4));
      }
    })().catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(ObjectChangedError);
    const received = new Uint8Array(Buffer.concat(chunks));
    expect(firstDifference(received, seededBytes(1_000_000, 3).subarray(0, received.byteLength))).toBeUndefined();
  });
});

describe('stopping', () => {
  it('starts no request after the consumer breaks and aborts the one in flight', async () => {
    // Prepare: a slow link (256 KiB/s) so the prefetched 128 KiB chunk is still in flight when the consumer stops.
    proxy = await startFaultProxy({ target: s3.endpoint, bytesPerSecond: 256 * 1024 });
    const reader = createRangeReader({ client: s3.client({ endpoint: proxy.endpoint }), bucket: 'source', key: 'faulty' });
    // Act
    for await (const chunk of reader.chunks()) {
      expect(chunk.byteLength).toBe(64 * 1024);
      while (proxy.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      break;
    }
    const requestsAfterBreak = proxy.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Assess
    expect(requestsAfterBreak).toBe(2); // the chunk consumed and the one prefetched
    expect(proxy.requests).toHaveLength(2);
    expect(reader.stats.bytesFetched).toBeLessThan(64 * 1024 + 128 * 1024); // the prefetch was cut off
  });

  it('rejects with the abort reason and sends nothing more after the signal fires', async () => {
    // Prepare
    proxy = await startFaultProxy({ target: s3.endpoint, bytesPerSecond: 1024 * 1024 });
    const controller = new AbortController();
    const reader = createRangeReader({ client: s3.client({ endpoint: proxy.endpoint }), bucket: 'source', key: 'faulty', signal: controller.signal });
    const reason = new Error('caller gave up');
    // Act
    const iteration = collect(reader.chunks());
    setTimeout(() => controller.abort(reason), 150);
    const failure = await iteration.catch((error: unknown) => error);
    const requestsAtAbort = proxy.requests.length;
    const readAfterAbort = await reader.read(0, 1).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Assess
    expect(failure).toBe(reason);
    expect(readAfterAbort).toBe(reason);
    expect(requestsAtAbort).toBeGreaterThan(0);
    expect(proxy.requests).toHaveLength(requestsAtAbort);
    expect(reader.stats.bytesFetched).toBeLessThan(SIZE);
  });

  it('aborts a shared block fetch only when every waiting read has given up', async () => {
    // Prepare
    proxy = await startFaultProxy({ target: s3.endpoint, bytesPerSecond: 256 * 1024 });
    const reader = createRangeReader({ client: s3.client({ endpoint: proxy.endpoint }), bucket: 'source', key: 'faulty' });
    const impatient = new AbortController();
    // Act
    const first = reader.read(0, 100, { signal: impatient.signal }).catch((error: unknown) => error);
    const second = reader.read(50, 100);
    impatient.abort(new Error('first reader gave up'));
    // Assess
    expect(await first).toMatchObject({ message: 'first reader gave up' });
    expect(firstDifference(await second, source.subarray(50, 150))).toBeUndefined();
    expect(proxy.requests).toHaveLength(1);
  });
});

describe('options', () => {
  it('throws a TypeError naming the option and the value', () => {
    const client = s3.client();
    expect(() => createRangeReader({ client, bucket: 'source', key: 'k', blockSize: 0 })).toThrow(/`blockSize`.*got 0/);
    expect(() => createRangeReader({ client, bucket: '', key: 'k' })).toThrow(TypeError);
    expect(() => createRangeReader({ client: {} as never, bucket: 'b', key: 'k' })).toThrow(/`client`/);
    expect(() => createRangeReader({ client, bucket: 'b', key: 'k', firstChunkSize: 10, maxChunkSize: 5 })).toThrow(/`maxChunkSize`/);
  });

  it('reads the same bytes as a plain GetObject', async () => {
    // Prepare: an independent oracle, the SDK's own whole-object GET.
    const client = s3.client();
    const plain = await client.send(new GetObjectCommand({ Bucket: 'source', Key: 'faulty', Range: 'bytes=1000-1999' }));
    const expected = await plain.Body!.transformToByteArray();
    // Act
    const bytes = await createRangeReader({ client, bucket: 'source', key: 'faulty' }).read(1000, 1000);
    // Assess
    expect(firstDifference(bytes, expected)).toBeUndefined();
  });
});
