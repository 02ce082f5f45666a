import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createMetadataReader, loadConfiguration, organizeObject, silentLogger } from '@photo-organizer/organizer';
import { type FaultProxy, type LocalS3, makeLargeJpeg, pinnedExiftool, startFaultProxy, startLocalS3 } from '@photo-organizer/test-kit';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumFrom } from '../src/s3/checksum.js';
import { CopyIncompleteError, CopyMismatchError, ObjectTooLargeError, planParts, resumableCopy } from '../src/s3/resumable-copy.js';

// Big copies that finish: a multipart copy interrupted mid-way is resumed by the next attempt,
// copying only the parts that are missing. Real local S3 server; requests counted by the proxy.
const MiB = 1024 * 1024;

const partNumberOf = (path: string) => Number(new URL(path, 'http://x').searchParams.get('partNumber'));
const isPartCopy = (request: { method: string; path: string; copy: boolean }) => request.method === 'PUT' && request.copy && request.path.includes('uploadId=');

describe('resumable multipart copy', () => {
  let s3: LocalS3;
  let proxy: FaultProxy;
  let direct: S3Client;
  let interruptAfterParts = Infinity;
  let partDelayMs = 0;
  let interrupt: (() => void) | undefined;
  const body = randomBytes(31 * MiB + 123);

  /**
   * The parts of an upload once the part copies sent before the cut-off (`expected` of them) have
   * landed: the server finishes them after the client gave up, as S3 does, and under load that
   * takes a while.
   */
  async function settledParts(key: string, uploadId: string, expected: number) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const parts = (await direct.send(new ListPartsCommand({ Bucket: 'library', Key: key, UploadId: uploadId }))).Parts ?? [];
      if (parts.length >= expected || Date.now() > deadline) return parts;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function sourceFacts(key: string) {
    const head = await direct.send(new HeadObjectCommand({ Bucket: 'uploads', Key: key, ChecksumMode: 'ENABLED' }));
    return { bucket: 'uploads', key, versionId: undefined, eTag: head.ETag!, size: head.ContentLength!, checksum: checksumFrom(head) };
  }

  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['uploads', 'library'] });
    direct = s3.client();
    let partCopies = 0;
    proxy = await startFaultProxy({
      target: s3.endpoint,
      beforeForward: async (request) => {
        if (request.method === 'PUT' && request.headers['x-amz-copy-source'] && request.path.includes('uploadId=')) {
          partCopies++;
          if (partDelayMs) await new Promise((resolve) => setTimeout(resolve, partDelayMs));
          // The deadline arrives as this part is sent: the attempt must stop, and this request and
          // later ones never reach the server (those sent before it complete there, as on S3).
          if (partCopies > interruptAfterParts) {
            interrupt?.();
            throw new Error('cut off by the deadline');
          }
        }
      },
    });
    await direct.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'big/video.mp4', Body: body }));
  });
  afterAll(async () => {
    await proxy?.stop();
    await s3?.stop();
  });

  it('stops at the deadline, and the retry copies only the missing parts', async () => {
    // Prepare: 7 parts of 5 MiB, two at a time; the attempt is cut off when the 4th part starts.
    const source = await sourceFacts('big/video.mp4');
    const client = s3.client({ endpoint: proxy.endpoint });
    const request = { client, source, bucket: 'library', key: '2021/video.mp4', headers: { ContentType: 'video/mp4' }, metadata: { 'source-etag': 'x' }, preferredPartSize: 5 * MiB, maxConcurrency: 2 };
    expect(planParts('uploads', 'big/video.mp4', body.length, 5 * MiB)).toEqual({ partSize: 5 * MiB, partCount: 7 });
    const controller = new AbortController();
    interrupt = () => controller.abort(new Error('deadline'));
    interruptAfterParts = 3;

    // Act 1: the first attempt.
    const firstAttempt = await resumableCopy({ ...request, signal: controller.signal }).catch((error: unknown) => error);

    // Assess 1: it stopped with the upload kept, some parts done.
    expect(firstAttempt).toBeInstanceOf(CopyIncompleteError);
    const uploads = await direct.send(new ListMultipartUploadsCommand({ Bucket: 'library', Prefix: '2021/' }));
    expect(uploads.Uploads?.map((upload) => upload.Key)).toEqual(['2021/video.mp4']);
    const uploadId = uploads.Uploads![0]!.UploadId!;
    const stored = await settledParts('2021/video.mp4', uploadId, 3);
    const storedNumbers = new Set(stored.map((part) => part.PartNumber));
    expect(storedNumbers.size).toBe(3);

    // Act 2: the retry, no deadline.
    interruptAfterParts = Infinity;
    const before = proxy.requests.length;
    const result = await resumableCopy(request);

    // Assess 2: only the missing parts were copied, the object is whole and verified.
    const copiedNow = proxy.requests.slice(before).filter(isPartCopy).map((request) => partNumberOf(request.path));
    expect(result.resumedUploadId).toBe(uploadId);
    expect(result.partsReused).toBe(storedNumbers.size);
    expect(result.partsCopied).toBe(7 - storedNumbers.size);
    expect(copiedNow.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7].filter((number) => !storedNumbers.has(number)));
    expect(result.checksum).toEqual(source.checksum);
    const copy = await direct.send(new GetObjectCommand({ Bucket: 'library', Key: '2021/video.mp4' }));
    expect(Buffer.from(await copy.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect((await direct.send(new ListMultipartUploadsCommand({ Bucket: 'library', Prefix: '2021/' }))).Uploads ?? []).toEqual([]);
  });

  it('does not start a part that would not finish before the deadline', async () => {
    // Prepare: each part takes at least 400 ms; 3 s are left, and the completion needs 2 s of them.
    const source = await sourceFacts('big/video.mp4');
    const client = s3.client({ endpoint: proxy.endpoint });
    const request = { client, source, bucket: 'library', key: '2023/video.mp4', headers: {}, metadata: {}, preferredPartSize: 5 * MiB, maxConcurrency: 1 };
    partDelayMs = 400;

    // Act
    const attempt = await resumableCopy({ ...request, deadline: Date.now() + 3000 }).catch((error: unknown) => error);
    partDelayMs = 0;

    // Assess: it stopped by itself (no abort signal) with parts left, and the next attempt finishes.
    expect(attempt).toBeInstanceOf(CopyIncompleteError);
    expect((attempt as CopyIncompleteError).partsDone).toBeGreaterThan(0);
    expect((attempt as CopyIncompleteError).partsDone).toBeLessThan(7);
    const finished = await resumableCopy(request);
    expect(finished.partsReused + finished.partsCopied).toBe(7);
    expect(finished.partsReused).toBe((attempt as CopyIncompleteError).partsDone);
  });

  it('refuses to complete an upload whose parts came from other bytes, and aborts it', async () => {
    // Prepare: an upload to the same key left by a different file of the same size and layout.
    const other = randomBytes(body.length);
    await direct.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'big/other.mp4', Body: other }));
    const { UploadId } = await direct.send(
      new CreateMultipartUploadCommand({ Bucket: 'library', Key: '2022/video.mp4', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'FULL_OBJECT' }),
    );
    await direct.send(
      new UploadPartCopyCommand({ Bucket: 'library', Key: '2022/video.mp4', UploadId, PartNumber: 1, CopySource: 'uploads/big/other.mp4', CopySourceRange: `bytes=0-${5 * MiB - 1}` }),
    );
    const source = await sourceFacts('big/video.mp4');

    // Act
    const attempt = await resumableCopy({
      client: direct, source, bucket: 'library', key: '2022/video.mp4', headers: {}, metadata: {}, preferredPartSize: 5 * MiB,
    }).catch((error: unknown) => error);

    // Assess: S3 refused the completion (checksum), nothing was written, the upload is gone; a retry then succeeds.
    expect(attempt).toBeInstanceOf(CopyMismatchError);
    await expect(direct.send(new HeadObjectCommand({ Bucket: 'library', Key: '2022/video.mp4' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect((await direct.send(new ListMultipartUploadsCommand({ Bucket: 'library', Prefix: '2022/' }))).Uploads ?? []).toEqual([]);
    const retried = await resumableCopy({ client: direct, source, bucket: 'library', key: '2022/video.mp4', headers: {}, metadata: {}, preferredPartSize: 5 * MiB });
    expect(retried).toMatchObject({ resumedUploadId: undefined, partsCopied: 7, checksum: source.checksum });
  });

  it('through the organizer: an attempt cut off by its deadline fails for a retry, and the retry finishes the copy', async () => {
    // Prepare: a real 21 MiB JPEG (dated 2019-07-15) and the organizer set to copy it in 5 MiB parts.
    const scratch = await mkdtemp(path.join(tmpdir(), 'resume-'));
    try {
      await makeLargeJpeg(path.join(scratch, 'big.jpg'), 21 * MiB);
      await direct.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'camera/big.jpg', Body: await readFile(path.join(scratch, 'big.jpg')) }));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    const exiftool = pinnedExiftool();
    const configuration = loadConfiguration({
      DESTINATION_BUCKET: 'library',
      MOVE: 'true',
      MULTIPART_THRESHOLD_BYTES: String(5 * MiB),
      MULTIPART_PART_SIZE_BYTES: String(5 * MiB),
      EXIFTOOL_PERL: exiftool.perl,
      EXIFTOOL_LIB: exiftool.libDir,
      EXIFTOOL_SCRIPT: exiftool.script,
    });
    const metadataReader = createMetadataReader({ mode: 'random-access', exiftool: { perlPath: exiftool.perl, exiftoolLibDir: exiftool.libDir, exiftoolScriptPath: exiftool.script } });
    const dependencies = { client: s3.client({ endpoint: proxy.endpoint }), configuration, metadataReader, logger: silentLogger };
    try {
      const controller = new AbortController();
      interrupt = () => controller.abort(new Error('deadline'));
      interruptAfterParts = proxy.requests.filter(isPartCopy).length + 2;

      // Act 1: the invocation's deadline arrives during the third part.
      const first = await organizeObject({ bucket: 'uploads', key: 'camera/big.jpg' }, dependencies, { signal: controller.signal }).catch((error: unknown) => error);
      expect(first).toMatchObject({ name: 'CopyIncompleteError' });
      const [upload] = (await direct.send(new ListMultipartUploadsCommand({ Bucket: 'library', Prefix: '2019-07-15/' }))).Uploads ?? [];
      const stored = await settledParts(upload!.Key!, upload!.UploadId!, 2);
      expect(stored).toHaveLength(2);

      // Act 2: Lambda's retry.
      interruptAfterParts = Infinity;
      const before = proxy.requests.length;
      const retried = await organizeObject({ bucket: 'uploads', key: 'camera/big.jpg' }, dependencies);

      // Assess: organized and moved, only the missing parts copied the second time.
      expect(retried).toMatchObject({ status: 'organized', targetKey: '2019-07-15/big.jpg', copied: true, moved: true });
      expect(proxy.requests.slice(before).filter(isPartCopy)).toHaveLength(5 - stored.length);
      await expect(direct.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'camera/big.jpg' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    } finally {
      await metadataReader.close();
    }
  });

  it('sizes parts to fit 10,000 and refuses objects beyond S3 limits as a permanent error', () => {
    expect(planParts('b', 'k', 10 * 1024 ** 4, 256 * MiB)).toEqual({ partSize: 1049 * MiB, partCount: 9996 });
    expect(() => planParts('b', 'huge.mov', 10_000 * 5 * 1024 ** 3 + 1, 256 * MiB)).toThrow(ObjectTooLargeError);
    expect(() => planParts('b', 'huge.mov', 10_000 * 5 * 1024 ** 3 + 1, 256 * MiB)).toThrow(/s3:\/\/b\/huge\.mov is 53687091200001 bytes/);
  });
});
