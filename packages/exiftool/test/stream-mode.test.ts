import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createRangeReader } from '@photo-organizer/s3-range-reader';
import { CORPUS_MISSING, findCorpus, makeLargeJpeg, startLocalS3, type LocalS3 } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExiftoolProcess, ExiftoolTimeoutError, readMetadataFromStream } from '../src/index.js';
import { cliReference, datesAndCamera, exiftoolOptions } from './helpers.js';

const media = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-fixtures/media');
const SIZE = 200 * 1024 * 1024;
const corpus = findCorpus();
if (!corpus) console.warn(`${CORPUS_MISSING} (the iPhone MOV case only)`);

/** Counts what the consumer does with an iterable: pulls, and pulls after it was told to stop. */
function observed<T>(iterable: AsyncIterable<T>) {
  const counts = { pulls: 0, pullsAfterReturn: 0, returned: false };
  const wrapped: AsyncIterable<T> = {
    [Symbol.asyncIterator]() {
      const iterator = iterable[Symbol.asyncIterator]();
      return {
        next() {
          counts.pulls += 1;
          if (counts.returned) counts.pullsAfterReturn += 1;
          return iterator.next();
        },
        return(value?: unknown) {
          counts.returned = true;
          return iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value: undefined });
        },
      };
    },
  };
  return { wrapped, counts };
}

describe('stream mode and random access over a local S3', () => {
  let s3: LocalS3;
  let client: S3Client;
  let temporary = '';
  let expectedDate: string | undefined;

  beforeAll(async () => {
    temporary = await mkdtemp(path.join(tmpdir(), 'exiftool-stream-'));
    s3 = await startLocalS3({ buckets: ['source'] });
    client = s3.client();
    // A real JPEG padded after EOI to 200 MB, made now (sparse), never committed.
    const jpeg = await makeLargeJpeg(path.join(temporary, 'big.jpg'), SIZE);
    expectedDate = jpeg.rawTags['ExifIFD:DateTimeOriginal'];
    await client.send(
      new PutObjectCommand({ Bucket: 'source', Key: 'big photo.jpg', Body: createReadStream(jpeg.path), ContentLength: SIZE }),
    );
    for (const name of ['mov-apple-creationdate.mov', 'mp4-moov-at-end.mp4']) {
      await client.send(new PutObjectCommand({ Bucket: 'source', Key: name, Body: createReadStream(path.join(media, name)) }));
    }
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
    await rm(temporary, { recursive: true, force: true });
  });

  it('stops a 200 MB JPEG after the first chunks: under 1 MB fetched, no request after exit', async () => {
    // Prepare
    const reader = createRangeReader({ client, bucket: 'source', key: 'big photo.jpg' });
    const { wrapped, counts } = observed(reader.chunks());
    // Act
    const result = await readMetadataFromStream(wrapped, exiftoolOptions);
    const afterExit = { ...reader.stats };
    // Let anything the reader still had scheduled run; nothing may start now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Assess
    expect(result.tags['ExifIFD:DateTimeOriginal']).toBe(expectedDate);
    expect(result.error).toBeUndefined();
    expect(reader.stats.bytesFetched).toBeLessThan(1024 * 1024);
    expect(counts.returned).toBe(true);
    expect(counts.pullsAfterReturn).toBe(0);
    expect(reader.stats.requests).toBe(afterExit.requests);
    console.info(`stream mode, 200 MB JPEG: ${reader.stats.bytesFetched} bytes in ${reader.stats.requests} requests`);
  });

  it('random access reads the same JPEG with one block', async () => {
    // Prepare
    const exiftool = new ExiftoolProcess(exiftoolOptions);
    const reader = createRangeReader({ client, bucket: 'source', key: 'big photo.jpg', size: SIZE });
    try {
      // Act
      const result = await exiftool.readMetadata(reader, { fileName: 'big photo.jpg' });
      // Assess
      expect(result.tags['ExifIFD:DateTimeOriginal']).toBe(expectedDate);
      expect(reader.stats.bytesFetched).toBe(65_536);
    } finally {
      await exiftool.close();
    }
  });

  it('random access reads a MOV and a moov-at-end MP4 like the CLI on the file', async () => {
    // Prepare
    const exiftool = new ExiftoolProcess(exiftoolOptions);
    const reference = await cliReference(['mov-apple-creationdate.mov', 'mp4-moov-at-end.mp4'].map((name) => path.join(media, name)));
    try {
      for (const name of ['mov-apple-creationdate.mov', 'mp4-moov-at-end.mp4']) {
        // Act
        const reader = createRangeReader({ client, bucket: 'source', key: name });
        const result = await exiftool.readMetadata(reader, { fileName: name });
        // Assess
        expect(datesAndCamera(result.tags)).toEqual(datesAndCamera(reference.get(path.join(media, name)) ?? {}));
        expect(result.warnings).toEqual([]);
      }

    } finally {
      await exiftool.close();
    }
  });

  it.skipIf(!corpus)('random access keeps the tags of an iPhone MOV with a wide atom; stream mode loses them', async () => {
    // Prepare: a real iPhone 5 MOV from the corpus (empty `wide` atom before `mdat`, moov at the end)
    const file = path.join(corpus ?? '', 'files/elodie/video.mov');
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'video.mov', Body: createReadStream(file) }));
    const exiftool = new ExiftoolProcess(exiftoolOptions);
    const reader = createRangeReader({ client, bucket: 'source', key: 'video.mov' });
    try {
      // Act
      const random = await exiftool.readMetadata(reader, { fileName: 'video.mov' });
      const streamed = await readMetadataFromStream(createRangeReader({ client, bucket: 'source', key: 'video.mov' }).chunks(), exiftoolOptions);
      // Assess
      const reference = await cliReference([file]);
      expect(datesAndCamera(random.tags)).toEqual(datesAndCamera(reference.get(file) ?? {}));
      expect(random.tags['Keys:CreationDate']).toBeDefined();
      expect(reader.stats.requests).toBeLessThanOrEqual(3); // the first block, the moov block (+ the size probe if any)
      expect(streamed.warnings.join()).toMatch(/wide/);
      expect(streamed.tags['Keys:CreationDate']).toBeUndefined();
    } finally {
      await exiftool.close();
    }
  });

  it('times out in stream mode when the source stalls', async () => {
    // Prepare: two real bytes of a JPEG start, then a source that never delivers more
    async function* stalling(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([0xff, 0xd8]);
      await new Promise(() => {});
    }
    // Act
    const error = await readMetadataFromStream(stalling(), { ...exiftoolOptions, timeoutMs: 1_000, killGraceMs: 200 }).catch(
      (caught: unknown) => caught,
    );
    // Assess
    expect(error).toBeInstanceOf(ExiftoolTimeoutError);
  });
});
