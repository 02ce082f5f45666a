import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { makeLargeMp4, type LargeMediaFile } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exiftoolOptions } from './helpers.js';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = path.join(packageRoot, 'test/fixtures/stream-memory.mjs');
const SIZE = 512 * 1024 * 1024;
const MiB = 1024 * 1024;

// Memory is a correctness property of stream mode: a moov-at-end video makes exiftool read the
// whole object, and Node must not keep the chunks it has passed on. Before the fix every chunk
// stayed reachable until exiftool exited (this 512 MiB video peaked ~600 MiB above the start);
// after it, Node holds a few 8 MiB chunks at a time. The bound is generous on purpose.
const MAX_GROWTH = 192 * MiB;

describe('stream mode memory', () => {
  let temporary = '';
  let video: LargeMediaFile;

  beforeAll(async () => {
    // The child runs the built package: a stale dist would measure old code.
    const [built, source] = await Promise.all([stat(path.join(packageRoot, 'dist/index.js')), stat(path.join(packageRoot, 'src/stream-mode.ts'))]);
    if (built.mtimeMs < source.mtimeMs) throw new Error('dist/ is older than src/stream-mode.ts: run `pnpm --filter @photo-organizer/exiftool build` first');
    temporary = await mkdtemp(path.join(tmpdir(), 'exiftool-stream-memory-'));
    // A real ffmpeg MP4 with moov after a 512 MiB mdat (sparse on disk), made now, never committed.
    video = await makeLargeMp4(path.join(temporary, 'moov-at-end.mp4'), { sizeBytes: SIZE });
  }, 120_000);
  afterAll(() => rm(temporary, { recursive: true, force: true }));

  it('reads a 512 MiB moov-at-end MP4 with bounded Node memory', async () => {
    // Act: in a fresh Node process, so its peak RSS is the read's alone.
    const { stdout } = await execa('node', ['--expose-gc', child, video.path, JSON.stringify(exiftoolOptions)], { timeout: 180_000 });
    const measured = JSON.parse(stdout) as { before: number; peak: number; tags: Record<string, unknown>; error: string | null };
    // Assess: the date at the end of the file was found, and Node's peak stayed bounded.
    expect(measured.error).toBeNull();
    expect(measured.tags['QuickTime:CreateDate']).toBe(video.rawTags['QuickTime:CreateDate']);
    console.info(`stream mode, 512 MiB MP4: RSS ${(measured.before / MiB).toFixed(0)} MiB before, peak ${(measured.peak / MiB).toFixed(0)} MiB`);
    expect(measured.peak - measured.before).toBeLessThan(MAX_GROWTH);
  }, 240_000);
});
