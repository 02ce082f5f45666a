import { startLocalS3, type LocalS3 } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRangeReader } from '../src/index.js';
import { collect, firstDifference, putObject, seededBytes, seededRandom } from './helpers.js';

const BLOCK = 64 * 1024;
const SIZES = [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 10 * 1024 * 1024 + 7];
const objects = new Map<number, Uint8Array>();
let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: ['source'] });
  const client = s3.client();
  for (const size of SIZES) {
    const bytes = seededBytes(size, size + 1);
    objects.set(size, bytes);
    await putObject(client, 'source', `object-${size}`, bytes);
  }
});
afterAll(async () => {
  await s3?.stop();
});

describe.each(SIZES)('an object of %i bytes', (size) => {
  const source = () => objects.get(size)!;

  it.each([
    ['unknown', undefined],
    ['known', size],
  ])('reads sequentially byte-exact with %s size', async (_label, knownSize) => {
    // Prepare
    const reader = createRangeReader({ client: s3.client(), bucket: 'source', key: `object-${size}`, size: knownSize });
    // Act
    const { bytes, sizes } = await collect(reader.chunks());
    // Assess
    expect(firstDifference(bytes, source())).toBeUndefined();
    expect(sizes.every((chunk) => chunk > 0 && chunk <= 8 * 1024 * 1024)).toBe(true);
    expect(reader.stats.bytesFetched).toBe(size);
    if (knownSize === 0) expect(reader.stats.requests).toBe(0); // S3 answers 416 to any Range on an empty object
  });

  it('reads random (offset, length) pairs byte-exact, ranges past EOF included', async () => {
    // Prepare
    const reader = createRangeReader({ client: s3.client(), bucket: 'source', key: `object-${size}`, maxCachedBlocks: 8 });
    const random = seededRandom(size + 7);
    const pairs = Array.from({ length: 60 }, () => {
      const offset = Math.floor(random() * (size + BLOCK));
      const length = Math.floor(random() * (random() < 0.2 ? 3 * BLOCK : 4096));
      return [offset, length] as const;
    });
    pairs.push([0, size + 10], [Math.max(0, size - 1), 1], [size, 1], [size + 5, 100]);
    // Act
    const results: Uint8Array[] = [];
    for (const [offset, length] of pairs) results.push(await reader.read(offset, length));
    // Assess
    pairs.forEach(([offset, length], index) => {
      const expected = source().subarray(Math.min(offset, size), Math.min(offset + length, size));
      expect(firstDifference(results[index]!, expected), `read(${offset}, ${length})`).toBeUndefined();
    });
    expect(await reader.size()).toBe(size);
  });

  it('answers concurrent reads byte-exact', async () => {
    // Prepare
    const reader = createRangeReader({ client: s3.client(), bucket: 'source', key: `object-${size}` });
    const random = seededRandom(size + 11);
    const pairs = Array.from({ length: 20 }, () => [Math.floor(random() * (size + 10)), Math.floor(random() * 2 * BLOCK)] as const);
    // Act
    const results = await Promise.all(pairs.map(([offset, length]) => reader.read(offset, length)));
    // Assess
    pairs.forEach(([offset, length], index) => {
      const expected = source().subarray(Math.min(offset, size), Math.min(offset + length, size));
      expect(firstDifference(results[index]!, expected), `read(${offset}, ${length})`).toBeUndefined();
    });
  });
});

describe('requests', () => {
  it('grows sequential chunks geometrically from firstChunkSize to maxChunkSize', async () => {
    // Prepare
    const reader = createRangeReader({ client: s3.client(), bucket: 'source', key: `object-${10 * 1024 * 1024 + 7}` });
    // Act
    const { sizes } = await collect(reader.chunks());
    // Assess
    expect(sizes.slice(0, 4)).toEqual([BLOCK, 2 * BLOCK, 4 * BLOCK, 8 * BLOCK]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(reader.stats.requests).toBe(sizes.length);
  });

  it('coalesces adjacent missing blocks into one GET and answers cached and EOF reads without one', async () => {
    // Prepare
    const size = 10 * 1024 * 1024 + 7;
    const reader = createRangeReader({ client: s3.client(), bucket: 'source', key: `object-${size}`, size });
    // Act
    await reader.read(10, 5 * BLOCK); // blocks 0..5: one request
    const afterFirst = reader.stats.requests;
    await reader.read(BLOCK, 100); // cached
    await reader.read(size, 10); // EOF probe, size known
    await reader.read(size - 1, 1); // last block: one request
    // Assess
    expect(afterFirst).toBe(1);
    expect(reader.stats.requests).toBe(2);
    expect(reader.etag).toMatch(/^".+"$/);
  });

  it('prefetches head and tail so later reads there need no request', async () => {
    // Prepare
    const size = 10 * 1024 * 1024 + 7;
    const reader = createRangeReader({ client: s3.client(), bucket: 'source', key: `object-${size}` });
    await reader.prefetch({ head: BLOCK, tail: 2 * BLOCK });
    const requests = reader.stats.requests;
    // Act
    const head = await reader.read(0, 100);
    const tail = await reader.read(size - 2 * BLOCK, 2 * BLOCK);
    // Assess
    expect(requests).toBe(2);
    expect(reader.stats.requests).toBe(2);
    expect(firstDifference(head, objects.get(size)!.subarray(0, 100))).toBeUndefined();
    expect(firstDifference(tail, objects.get(size)!.subarray(size - 2 * BLOCK))).toBeUndefined();
  });

  it('learns the size of an empty object from the 416 without returning bytes', async () => {
    // Prepare
    const reader = createRangeReader({ client: s3.client(), bucket: 'source', key: 'object-0' });
    // Act
    const size = await reader.size();
    const bytes = await reader.read(0, 10);
    // Assess
    expect(size).toBe(0);
    expect(bytes.byteLength).toBe(0);
    expect(reader.stats.requests).toBeLessThanOrEqual(2); // the Range probe, plus a HEAD if the 416 did not say the size
  });
});
