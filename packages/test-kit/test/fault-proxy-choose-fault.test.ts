import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../src/fault-proxy.js';
import { type LocalS3, startLocalS3 } from '../src/local-s3.js';

describe('fault proxy chooseFault', () => {
  let s3: LocalS3;
  let proxy: FaultProxy;
  const seen: string[] = [];
  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['b'] });
    proxy = await startFaultProxy({
      target: s3.endpoint,
      // Every request would get a 500 from the plan unless chooseFault decides otherwise.
      faults: { probability: 1, kinds: ['internal'] },
      chooseFault({ method, path }) {
        seen.push(`${method} ${path}`);
        if (method === 'HEAD') return 'slowdown';
        if (path.startsWith('/b/pass')) return 'pass';
        return undefined;
      },
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await s3.stop();
  });

  it("overrides the plan with its choice, and leaves undecided requests to the plan", async () => {
    const client = s3.client({ endpoint: proxy.endpoint, maxAttempts: 1 });
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'pass', Body: 'x' }));
    await expect(client.send(new HeadObjectCommand({ Bucket: 'b', Key: 'pass' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    await expect(client.send(new PutObjectCommand({ Bucket: 'b', Key: 'other', Body: 'x' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(proxy.requests.map((request) => request.fault)).toEqual([undefined, 'slowdown', 'internal']);
    expect(seen).toHaveLength(3);
  });
});
