import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../src/fault-proxy.js';
import { type LocalS3, startLocalS3 } from '../src/local-s3.js';

describe('fault proxy intercept', () => {
  let s3: LocalS3;
  let proxy: FaultProxy;
  const seen: string[] = [];
  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['b'] });
    const direct = s3.client();
    proxy = await startFaultProxy({
      target: s3.endpoint,
      // Every request would get a 500 from the plan unless intercept decides otherwise.
      faults: { probability: 1, kinds: ['internal'] },
      async intercept({ method, path }) {
        seen.push(`${method} ${path}`);
        if (method === 'GET' && path.startsWith('/b/raced')) {
          // Acts before the request is forwarded: the GET must see these bytes.
          await direct.send(new PutObjectCommand({ Bucket: 'b', Key: 'raced', Body: 'second' }));
          return 'pass';
        }
        if (method === 'HEAD') return 'slowdown';
        return undefined;
      },
    });
    await direct.send(new PutObjectCommand({ Bucket: 'b', Key: 'raced', Body: 'first' }));
  });
  afterAll(async () => {
    await proxy.stop();
    await s3.stop();
  });

  it('awaits the hook before forwarding, and its choice overrides the plan', async () => {
    const client = s3.client({ endpoint: proxy.endpoint, maxAttempts: 1 });
    const object = await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'raced' }));
    expect(await object.Body!.transformToString()).toBe('second');
    await expect(client.send(new HeadObjectCommand({ Bucket: 'b', Key: 'raced' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    // Undecided by the hook: the plan (probability 1) applies.
    await expect(client.send(new PutObjectCommand({ Bucket: 'b', Key: 'other', Body: 'x' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(proxy.requests.map((request) => request.fault)).toEqual([undefined, 'slowdown', 'internal']);
    expect(seen).toHaveLength(3);
  });
});
