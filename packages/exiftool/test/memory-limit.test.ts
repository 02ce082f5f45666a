import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as zlibConstants, crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExiftoolMemoryLimitError, ExiftoolProcess, fileSource, readMetadataFromStream } from '../src/index.js';
import { exiftoolOptions } from './helpers.js';

// The limit is read from /proc/<pid>/status: Linux only (Lambda's OS and this project's).
const media = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-fixtures/media');
const JPEG = path.join(media, 'jpeg-dto-offset.jpg');
const MiB = 1024 * 1024;

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid 1x1 PNG whose one zTXt chunk inflates to `inflatedBytes` of zeros (a deflate bomb): one
 * full-flushed 64 MiB deflate block repeated (a full flush empties the window, so each copy stands
 * alone), a final empty block, then the Adler-32 of the zeros (RFC 1950: a stays 1, b grows by 1 a byte).
 */
function deflateBombPng(inflatedBytes: number): Buffer {
  const unit = 64 * MiB;
  const block = deflateRawSync(Buffer.alloc(unit), { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH });
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((inflatedBytes % 65521) * 65536) + 1) >>> 0);
  const stream = Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: inflatedBytes / unit }, () => block), deflateRawSync(Buffer.alloc(0)), adler]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth; colour type 0 (grey)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), stream])),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('memoryLimitBytes: perl is killed when a request takes it over the limit', () => {
  let directory: string;
  let bomb: string;
  beforeAll(async () => {
    // Prepare: 512 MiB of zeros in a zTXt chunk of ~0.5 MB; ExifTool inflates it wholly (twice that in RSS).
    directory = await mkdtemp(path.join(tmpdir(), 'exiftool-bomb-'));
    bomb = path.join(directory, 'bomb.png');
    await writeFile(bomb, deflateBombPng(512 * MiB));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('fails the bomb with ExiftoolMemoryLimitError (SIGKILL, perl gone), and the next read works in a fresh perl', async () => {
    const limitBytes = 160 * MiB;
    const exiftool = new ExiftoolProcess({ ...exiftoolOptions, memoryLimitBytes: limitBytes, timeoutMs: 60_000 });
    try {
      await exiftool.start();
      const bombPid = exiftool.pid!;

      // Act: the bomb.
      const error: unknown = await exiftool.readMetadata(fileSource(bomb)).catch((caught: unknown) => caught);

      // Assert: the typed error with what was seen, and the process is gone (not merely signalled).
      expect(error).toBeInstanceOf(ExiftoolMemoryLimitError);
      const limitError = error as ExiftoolMemoryLimitError;
      expect(limitError.limitBytes).toBe(limitBytes);
      expect(limitError.rssBytes).toBeGreaterThan(limitBytes);
      // One check interval (50 ms) of inflating adds tens of MiB, not hundreds.
      expect(limitError.rssBytes).toBeLessThan(limitBytes + 200 * MiB);
      expect(limitError.message).toMatch(/over its limit of 160 MiB; its process was killed/);
      expect(() => process.kill(bombPid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
      expect(exiftool.pid).toBeUndefined();

      // Act + assert: an ordinary photo right after, in a new perl.
      const result = await exiftool.readMetadata(fileSource(JPEG));
      expect(result.tags['ExifIFD:DateTimeOriginal']).toBe('2019:07:15 00:45:10');
      expect(exiftool.pid).toBeDefined();
      expect(exiftool.pid).not.toBe(bombPid);
    } finally {
      await exiftool.close();
    }
  }, 120_000);

  it('stream mode: kills the exiftool CLI over the limit too, with the same error', async () => {
    const limitBytes = 160 * MiB;
    const error: unknown = await readMetadataFromStream(createReadStream(bomb, { highWaterMark: 64 * 1024 }), { ...exiftoolOptions, memoryLimitBytes: limitBytes, timeoutMs: 60_000 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ExiftoolMemoryLimitError);
    expect((error as ExiftoolMemoryLimitError).rssBytes).toBeGreaterThan(limitBytes);
    // An ordinary photo with the same options is read as usual.
    const result = await readMetadataFromStream(createReadStream(JPEG), { ...exiftoolOptions, memoryLimitBytes: limitBytes });
    expect(result.tags['ExifIFD:DateTimeOriginal']).toBe('2019:07:15 00:45:10');
  }, 120_000);

  it('leaves reads below the limit alone (the default of 512 MiB, an ordinary photo)', async () => {
    const exiftool = new ExiftoolProcess(exiftoolOptions);
    try {
      expect(exiftool.options.memoryLimitBytes).toBe(512 * MiB);
      const first = await exiftool.readMetadata(fileSource(JPEG));
      const pid = exiftool.pid;
      const second = await exiftool.readMetadata(fileSource(JPEG));
      expect(second.tags).toEqual(first.tags);
      expect(exiftool.pid).toBe(pid);
    } finally {
      await exiftool.close();
    }
  });
});
