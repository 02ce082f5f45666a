import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type FaultProxy, type LocalS3, startFaultProxy, startLocalS3 } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinnedObject } from '../src/core/object-reference.js';
import { silentLogger } from '../src/lambda/logger.js';
import { notifyWebhook } from '../src/lambda/webhook.js';
import { checksumFrom } from '../src/s3/checksum.js';
import { deleteIfUnchanged } from '../src/s3/conditional-delete.js';
import { placeCopy } from '../src/s3/place-copy.js';
import { resumableCopy } from '../src/s3/resumable-copy.js';
import { writeSidecar } from '../src/s3/sidecar.js';

// The organizer's writes against the local S3 server (which honours conditions and checksums as
// S3 does, see test-kit's README), with every request counted by the proxy in front of it.
const MiB = 1024 * 1024;

describe('writes to the library', () => {
  let s3: LocalS3;
  let proxy: FaultProxy;
  let direct: S3Client;
  let client: S3Client;
  let beforeForward: ((request: { method: string; path: string; headers: Record<string, string | string[] | undefined> }) => Promise<void>) | undefined;
  let chooseFault: ((request: { method: string; path: string; headers: Record<string, string | string[] | undefined> }) => 'internal' | undefined) | undefined;

  async function upload(key: string, body: Uint8Array): Promise<PinnedObject> {
    await direct.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: body }));
    const head = await direct.send(new HeadObjectCommand({ Bucket: 'uploads', Key: key, ChecksumMode: 'ENABLED' }));
    return { bucket: 'uploads', key, size: head.ContentLength!, eTag: head.ETag!, checksum: checksumFrom(head) };
  }
  const place = (source: PinnedObject, targetKey: string, checksums = true) =>
    placeCopy({
      client,
      source,
      destinationBucket: 'library',
      targetKey,
      contentHeaders: {},
      userMetadata: {},
      multipartThresholdBytes: 5 * 1024 ** 3,
      partSizeBytes: 5 * MiB,
      checksums,
    });
  const requestsDuring = async <T>(action: () => Promise<T>) => {
    const before = proxy.requests.length;
    const result = await action();
    const requests = proxy.requests.slice(before);
    const count = (predicate: (request: (typeof requests)[number]) => boolean) => requests.filter(predicate).length;
    return {
      result,
      heads: count((request) => request.method === 'HEAD'),
      lists: count((request) => request.method === 'GET' && request.path.includes('list-type=2')),
      copies: count((request) => request.method === 'PUT' && request.copy),
    };
  };

  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['uploads', 'library'] });
    direct = s3.client();
    proxy = await startFaultProxy({ target: s3.endpoint, beforeForward: (request) => beforeForward?.(request), chooseFault: (request) => chooseFault?.(request) });
    client = s3.client({ endpoint: proxy.endpoint });
  });
  afterAll(async () => {
    await proxy?.stop();
    await s3?.stop();
  });

  it('copies first and asks for the checksum, verified against the source', async () => {
    const source = await upload('in/first.jpg', randomBytes(50_000));
    const { result, heads, copies } = await requestsDuring(() => place(source, '2020/first.jpg'));
    expect(result).toEqual({ key: '2020/first.jpg', copied: true, checksum: source.checksum });
    expect(source.checksum).toMatchObject({ algorithm: 'CRC64NVME', type: 'FULL_OBJECT' });
    expect({ heads, copies }).toEqual({ heads: 0, copies: 1 });
  });

  it('finds the next free number with one listing, not a HEAD per number', async () => {
    // Prepare: undated/image.jpg and image-1 ... image-49 hold other photos.
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        direct.send(new PutObjectCommand({ Bucket: 'library', Key: index === 0 ? 'undated/image.jpg' : `undated/image-${index}.jpg`, Body: `other ${index}` })),
      ),
    );
    await direct.send(new PutObjectCommand({ Bucket: 'library', Key: 'undated/image-album.jpg', Body: 'not a number' }));
    const source = await upload('in/image.jpg', randomBytes(1000));

    const { result, heads, lists, copies } = await requestsDuring(() => place(source, 'undated/image.jpg'));

    expect(result).toMatchObject({ key: 'undated/image-50.jpg', copied: true });
    // COPY (412), HEAD (other bytes), LIST, COPY: the old code made 51 HEADs here.
    expect({ heads, lists, copies }).toEqual({ heads: 1, lists: 1, copies: 2 });
  });

  it('finds its own earlier copy under a numbered name instead of making a second one', async () => {
    // Prepare: an earlier attempt of this event copied to name-1 and then failed (its answer lost).
    const source = await upload('in/again.jpg', randomBytes(2000));
    await direct.send(new PutObjectCommand({ Bucket: 'library', Key: '2020/again.jpg', Body: randomBytes(2000) }));
    await place(source, '2020/again.jpg');
    await direct.send(new PutObjectCommand({ Bucket: 'library', Key: '2020/again-2.jpg', Body: randomBytes(2000) }));

    const { result, heads, lists, copies } = await requestsDuring(() => place(source, '2020/again.jpg'));

    expect(result).toMatchObject({ key: '2020/again-1.jpg', copied: false });
    // COPY (412), HEAD of the name, LIST, HEAD of the same-size variants in order until ours.
    expect({ heads, lists, copies }).toEqual({ heads: 2, lists: 1, copies: 1 });
  });

  it('moves past a name taken after the listing', async () => {
    const source = await upload('in/image.jpg', randomBytes(1000));
    beforeForward = async (request) => {
      if (request.method === 'PUT' && request.headers['x-amz-copy-source'] && request.path.startsWith('/library/undated/image-51.jpg')) {
        beforeForward = undefined;
        await direct.send(new PutObjectCommand({ Bucket: 'library', Key: 'undated/image-51.jpg', Body: 'arrived meanwhile' }));
      }
    };
    const { result } = await requestsDuring(() => place(source, 'undated/image.jpg'));
    expect(result).toMatchObject({ key: 'undated/image-52.jpg', copied: true });
    const kept = await direct.send(new GetObjectCommand({ Bucket: 'library', Key: 'undated/image-51.jpg' }));
    expect(await kept.Body!.transformToString()).toBe('arrived meanwhile');
  });

  it('recognises a copy already there by its checksum, even with a multipart ETag and no source-etag', async () => {
    const source = await upload('in/clip.mov', randomBytes(11 * MiB));
    await resumableCopy({ client: direct, source, bucket: 'library', key: '2020/clip.mov', headers: {}, metadata: {}, preferredPartSize: 5 * MiB });
    const there = await direct.send(new HeadObjectCommand({ Bucket: 'library', Key: '2020/clip.mov' }));
    expect(there.ETag).toMatch(/-3"$/);

    const { result, heads, copies } = await requestsDuring(() => place(source, '2020/clip.mov'));
    expect(result).toMatchObject({ key: '2020/clip.mov', copied: false });
    expect({ heads, copies }).toEqual({ heads: 1, copies: 1 });
    // Without checksums (S3_CHECKSUMS=false) only size and ETag are left, and they cannot tell.
    const blind = await place(source, '2020/clip.mov', false);
    expect(blind).toMatchObject({ key: '2020/clip-1.mov', copied: true, checksum: undefined });
  });

  it('writes the sidecar only where there is none, or over the one it just read', async () => {
    const document = { schema: 'photo-organizer/sidecar@1' } as never;
    expect(await writeSidecar({ client, bucket: 'library', copyKey: '2020/first.jpg', document })).toBe('created');
    // A repeated event: the same bytes are there, seen from the HEAD; nothing is written.
    const repeated = await requestsDuring(() => writeSidecar({ client, bucket: 'library', copyKey: '2020/first.jpg', document }));
    expect(repeated.result).toBe('unchanged');
    expect(proxy.requests.slice(-2).map((request) => request.method)).toEqual(['PUT', 'HEAD']);
    const changed = { schema: 'photo-organizer/sidecar@1', changed: true } as never;
    expect(await writeSidecar({ client, bucket: 'library', copyKey: '2020/first.jpg', document: changed })).toBe('replaced');
    // Another invocation rewrites it between our HEAD and our conditional PUT: theirs stays.
    beforeForward = async (request) => {
      if (request.method === 'PUT' && request.headers['if-match'] && request.path.startsWith('/library/2020/first.jpg.json')) {
        beforeForward = undefined;
        await direct.send(new PutObjectCommand({ Bucket: 'library', Key: '2020/first.jpg.json', Body: '{"theirs":true}' }));
      }
    };
    expect(await writeSidecar({ client, bucket: 'library', copyKey: '2020/first.jpg', document })).toBe('left-to-concurrent-writer');
    const sidecar = await direct.send(new GetObjectCommand({ Bucket: 'library', Key: '2020/first.jpg.json' }));
    expect(await sidecar.Body!.transformToString()).toBe('{"theirs":true}');
  });

  it("writes the sidecar although S3 failed every one of the SDK's attempts of the first PUT", async () => {
    // Every attempt (amz-sdk-request: attempt=N; max=M) of the first PutObject's invocation answers
    // 500, so the SDK gives up on it; the sidecar must still be there, written by the next try.
    let failedInvocation: string | undefined;
    let faults = 0;
    chooseFault = (request) => {
      if (request.method !== 'PUT' || !request.path.startsWith('/library/2021/retried.jpg.json')) return undefined;
      const invocation = String(request.headers['amz-sdk-invocation-id']);
      failedInvocation ??= invocation;
      if (invocation !== failedInvocation) return undefined;
      faults++;
      return 'internal';
    };
    try {
      const document = { schema: 'photo-organizer/sidecar@1', retried: true } as never;
      expect(await writeSidecar({ client, bucket: 'library', copyKey: '2021/retried.jpg', document })).toBe('created');
    } finally {
      chooseFault = undefined;
    }
    expect(faults).toBeGreaterThanOrEqual(3);
    const sidecar = await direct.send(new GetObjectCommand({ Bucket: 'library', Key: '2021/retried.jpg.json' }));
    expect(JSON.parse(await sidecar.Body!.transformToString())).toEqual({ schema: 'photo-organizer/sidecar@1', retried: true });
  });

  it('deletes a source only while it holds the copied ETag', async () => {
    const source = await upload('in/delete-me.jpg', randomBytes(100));
    await direct.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'in/delete-me.jpg', Body: 'newer upload' }));
    expect(await deleteIfUnchanged(client, source)).toEqual({ status: 'kept-newer' });
    const newer = await upload('in/delete-me.jpg', Buffer.from('newer upload'));
    expect(await deleteIfUnchanged(client, newer)).toEqual({ status: 'deleted' });
    expect(await deleteIfUnchanged(client, newer)).toEqual({ status: 'already-gone' });
    await expect(deleteIfUnchanged(client, { ...newer, eTag: '' })).rejects.toThrow(TypeError);
  });
});

describe('the webhook and the invocation deadline', () => {
  let server: Server;
  let url: string;
  let attempts = 0;
  beforeAll(async () => {
    // A build hook that never answers.
    server = createServer(() => {
      attempts++;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('gives up at the deadline instead of waiting out its timeouts and backoffs', async () => {
    const started = performance.now();
    const delivered = await notifyWebhook({ url, body: {}, logger: silentLogger, timeoutMs: 30_000, retries: 5, minTimeoutMs: 10_000, signal: AbortSignal.timeout(300) });
    expect(delivered).toBe(false);
    expect(attempts).toBe(1);
    // Without the deadline this would take 30 s per attempt, 6 attempts, plus backoff.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await notifyWebhook({ url, body: {}, logger: silentLogger, signal: AbortSignal.abort() })).toBe(false);
    expect(attempts).toBe(1);
  });
});
