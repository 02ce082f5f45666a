import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CORPUS_MISSING, findCorpus, startFaultProxy, startLocalS3, type FaultProxy, type LocalS3 } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource } from '../src/s3/open-source.js';

const corpus = findCorpus();
if (!corpus) console.warn(`${CORPUS_MISSING}: the FLIR JPEG case is skipped`);
// A real FLIR camera JPEG from the corpus: 660 KB of APP1 segments (thermal data) before the image.
const FLIR = 'files/metadata-extractor-images/FLIR Vue Pro 640.jpg';

describe.skipIf(!corpus)('JPEG header segments past the first block', () => {
  let s3: LocalS3;
  let proxy: FaultProxy;
  let client: S3Client;
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = await readFile(path.join(corpus!, FLIR));
    s3 = await startLocalS3({ buckets: ['source'] });
    await s3.client().send(new PutObjectCommand({ Bucket: 'source', Key: 'flir.jpg', Body: bytes }));
    proxy = await startFaultProxy({ target: s3.endpoint });
    client = s3.client({ endpoint: proxy.endpoint });
  });
  afterAll(async () => {
    client?.destroy();
    await proxy?.stop();
    await s3?.stop();
  });

  it('fetches everything up to the image data in at most 4 GETs (exiftool alone: one per 64 KiB block, 11)', async () => {
    // Act
    const opened = await openSource(client, { bucket: 'source', key: 'flir.jpg', size: bytes.byteLength });
    // Assess: every byte before the start of scan is cached now, so reading them sends nothing.
    expect(opened.status).toBe('open');
    const reader = opened.status === 'open' ? opened.reader : undefined;
    const before = reader!.stats.requests;
    const headers = await reader!.read(0, 659_771);
    expect(reader!.stats.requests).toBe(before);
    expect(Buffer.from(headers).equals(bytes.subarray(0, 659_771))).toBe(true);
    console.info(`FLIR JPEG: ${before} GETs up to the image data`);
    expect(before).toBeLessThanOrEqual(4);
    expect(proxy.requests.filter((request) => request.method === 'HEAD')).toEqual([]);
  });
});
