import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLargeJpeg, makeLargeMp4, makeSparseFile } from '../src/large-media.js';
import { pinnedExiftool } from '../src/exiftool-paths.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const ffmpegMissing = !hasFfmpeg();
if (ffmpegMissing) console.warn('ffmpeg not found (make debian-test installs it): makeLargeMp4 tests skipped');

async function exiftoolTags(file: string): Promise<Record<string, unknown>> {
  const exiftool = pinnedExiftool();
  const { stdout } = await run(exiftool.perl, [exiftool.script, '-json', '-G1', '-a', file]);
  const [record] = JSON.parse(stdout) as Array<Record<string, unknown>>;
  return record ?? {};
}

/** Top-level boxes as `type@offset+size`, reading only the headers (the files are mostly holes). */
async function topLevelBoxes(file: string): Promise<Array<{ type: string; offset: number; size: number }>> {
  const handle = await open(file, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const boxes: Array<{ type: string; offset: number; size: number }> = [];
    const header = Buffer.alloc(16);
    for (let offset = 0; offset < fileSize; ) {
      await handle.read(header, 0, 16, offset);
      let size = header.readUInt32BE(0);
      if (size === 1) size = Number(header.readBigUInt64BE(8));
      const type = header.toString('latin1', 4, 8);
      if (size < 8) throw new Error(`bad box ${type} at ${offset}`);
      boxes.push({ type, offset, size });
      offset += size;
    }
    return boxes;
  } finally {
    await handle.close();
  }
}

let workDir = '';
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'large-media-test-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('makeSparseFile', () => {
  it('makes a file of the exact size without allocating it', async () => {
    // Act
    const file = await makeSparseFile(path.join(workDir, 'sparse.bin'), 64 * MiB);

    // Assess
    const info = await stat(file);
    expect(info.size).toBe(64 * MiB);
    expect(info.blocks * 512).toBeLessThan(MiB);
  });

  it('rejects a negative size, naming the option', async () => {
    await expect(makeSparseFile(path.join(workDir, 'bad.bin'), -1)).rejects.toThrow(/sizeBytes.*got -1/);
  });
});

describe('makeLargeJpeg', () => {
  it('writes the fixture JPEG, then zeros after EOI, and exiftool still reads its dates', async () => {
    // Prepare
    const fixture = await readFile(new URL('../../../test-fixtures/media/jpeg-dto-offset.jpg', import.meta.url));

    // Act
    const jpeg = await makeLargeJpeg(path.join(workDir, 'large.jpg'), 3 * MiB);
    const tags = await exiftoolTags(jpeg.path);

    // Assess
    const bytes = await readFile(jpeg.path);
    expect(bytes.length).toBe(3 * MiB);
    expect(bytes.subarray(0, fixture.length).equals(fixture)).toBe(true);
    expect(bytes.subarray(fixture.length).every((byte) => byte === 0)).toBe(true);
    expect(jpeg.rawTags['ExifIFD:DateTimeOriginal']).toBeDefined();
    for (const [tag, value] of Object.entries(jpeg.rawTags)) expect(String(tags[tag]), tag).toBe(value);
    expect(tags['ExifTool:Warning']).toBeUndefined();
  });

  it('refuses a size smaller than the JPEG itself', async () => {
    await expect(makeLargeJpeg(path.join(workDir, 'small.jpg'), 100)).rejects.toThrow(TypeError);
  });
});

describe.skipIf(ffmpegMissing)('makeLargeMp4', () => {
  it.each([
    { faststart: false, order: ['mdat', 'moov'] },
    { faststart: true, order: ['moov', 'mdat'] },
  ])('faststart $faststart: exact size, moov/mdat order $order, the CreateDate given, decodable', async ({ faststart, order }) => {
    // Prepare
    const createDate = new Date('2018-03-04T22:15:30Z');

    // Act
    const video = await makeLargeMp4(path.join(workDir, `large-${faststart}.mp4`), { sizeBytes: 5 * MiB, faststart, createDate });

    // Assess
    expect((await stat(video.path)).size).toBe(5 * MiB);
    const boxes = await topLevelBoxes(video.path);
    expect(boxes.map((box) => box.type).filter((type) => type === 'moov' || type === 'mdat')).toEqual(order);
    expect(boxes.find((box) => box.type === 'mdat')?.size).toBeGreaterThan(4 * MiB);
    expect(video.rawTags['QuickTime:CreateDate']).toBe('2018:03:04 22:15:30');
    const tags = await exiftoolTags(video.path);
    for (const [tag, value] of Object.entries(video.rawTags)) expect(tags[tag], tag).toBe(value);
    // ffmpeg decodes every frame: the sample offsets survived the padding.
    const { stderr } = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', video.path, '-f', 'null', '-']);
    expect(stderr).toBe('');
  });

  it('widens mdat to a 64-bit size above 4 GiB (sparse, so no disk is used)', async () => {
    // Act
    const video = await makeLargeMp4(path.join(workDir, 'huge.mp4'), { sizeBytes: 4 * 1024 * MiB + 4 * MiB });

    // Assess
    const boxes = await topLevelBoxes(video.path);
    const mdat = boxes.find((box) => box.type === 'mdat');
    expect(boxes.map((box) => box.type)).not.toContain('free');
    expect(mdat?.size).toBeGreaterThan(0xff_ff_ff_ff);
    expect(boxes.at(-1)?.type).toBe('moov');
    const tags = await exiftoolTags(video.path);
    expect(tags['QuickTime:CreateDate']).toBe('2021:06:30 23:30:00');
  });

  it('rejects bad options with a TypeError naming the option', async () => {
    const file = path.join(workDir, 'bad.mp4');
    await expect(makeLargeMp4(file, { sizeBytes: 10 })).rejects.toThrow(/sizeBytes/);
    await expect(makeLargeMp4(file, { sizeBytes: MiB, createDate: new Date('nope') })).rejects.toThrow(/createDate/);
    await expect(makeLargeMp4(file, { sizeBytes: MiB, faststart: 'yes' as unknown as boolean })).rejects.toThrow(/faststart/);
  });

  it('reports a missing ffmpeg as FfmpegError', async () => {
    await expect(makeLargeMp4(path.join(workDir, 'x.mp4'), { sizeBytes: MiB, ffmpeg: '/nonexistent/ffmpeg' })).rejects.toMatchObject({
      name: 'FfmpegError',
    });
  });
});
