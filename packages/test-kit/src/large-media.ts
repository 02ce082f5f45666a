import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Large objects are made at test or benchmark time, never checked in: each one is a real small
// file (a checked-in fixture, or a short ffmpeg video) grown with zero bytes that the filesystem
// keeps sparse, so a 500 MB object costs almost no disk and no time to write.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixturesDir = path.join(repoRoot, 'test-fixtures');
/** The checked-in JPEG that `makeLargeJpeg` grows: DateTimeOriginal + OffsetTimeOriginal + Make/Model. */
const JPEG_SOURCE = 'media/jpeg-dto-offset.jpg';
const MAX_UINT32 = 0xff_ff_ff_ff;

/**
 * A generated file (its path and size in bytes) and the tags it carries, as `exiftool -json -G1`
 * reports them.
 *
 * @example
 * ```ts
 * const { path, sizeBytes, rawTags } = await makeLargeJpeg('/tmp/big.jpg', 2 ** 28);
 * ```
 */
export interface LargeMediaFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly rawTags: Readonly<Record<string, string>>;
}

/**
 * What `makeLargeMp4` writes: the size in bytes, the date, ffmpeg and its time limit in milliseconds.
 *
 * @example
 * ```ts
 * const options: LargeMp4Options = { sizeBytes: 300 * 1024 * 1024, faststart: true };
 * ```
 */
export interface LargeMp4Options {
  /** Size of the file in bytes; the video's `mdat` is padded to reach it. */
  readonly sizeBytes: number;
  /** `moov` before `mdat` (`-movflags +faststart`) instead of after it. @default false */
  readonly faststart?: boolean;
  /** Written as QuickTime CreateDate (UTC, whole seconds). @default new Date('2021-06-30T23:30:00Z') */
  readonly createDate?: Date;
  /** The ffmpeg executable. @default 'ffmpeg' */
  readonly ffmpeg?: string;
  /** ffmpeg is killed (SIGKILL) after this long. @default 60_000 */
  readonly timeoutMs?: number;
}

/**
 * Base class of the errors these generators throw (a missing fixture, a bad path or size).
 *
 * @example
 * ```ts
 * await makeLargeJpeg(file, size).catch((error) => { if (error instanceof LargeMediaError) console.error(error.message); throw error; });
 * ```
 */
export class LargeMediaError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LargeMediaError';
  }
}

/**
 * ffmpeg is missing, failed, or timed out; carries its exit code, signal, stderr and `timedOut`.
 *
 * @example
 * ```ts
 * await makeLargeMp4(file, { sizeBytes }).catch((error) => { if (error instanceof FfmpegError && error.timedOut) console.error(error.stderr); throw error; });
 * ```
 */
export class FfmpegError extends LargeMediaError {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(
    message: string,
    facts: { exitCode?: number | undefined; signal?: string | undefined; stderr: string; timedOut: boolean },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'FfmpegError';
    this.exitCode = facts.exitCode;
    this.signal = facts.signal;
    this.stderr = facts.stderr;
    this.timedOut = facts.timedOut;
  }
}

function checkSize(name: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new TypeError(`${name} must be an integer of at least ${minimum}, got ${String(value)}`);
  }
  return value;
}

function checkPath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`path must be a non-empty string, got ${String(value)}`);
  return value;
}

/**
 * Creates (or replaces) a file of `sizeBytes` zero bytes without writing them (a sparse file).
 *
 * @example
 * ```ts
 * await makeSparseFile('/tmp/big.bin', 512 * 1024 * 1024);
 * ```
 */
export async function makeSparseFile(filePath: string, sizeBytes: number): Promise<string> {
  checkPath(filePath);
  checkSize('sizeBytes', sizeBytes, 0);
  await writeFile(filePath, '');
  await truncate(filePath, sizeBytes);
  return filePath;
}

/**
 * Writes a real JPEG (test-fixtures/media/jpeg-dto-offset.jpg) followed by zero bytes after its
 * EOI up to `sizeBytes`; the dates stay in the first few KB, as in a camera file.
 *
 * @example
 * ```ts
 * const jpeg = await makeLargeJpeg('/tmp/big.jpg', 200 * 1024 * 1024);
 * jpeg.rawTags['ExifIFD:DateTimeOriginal']; // '2019:07:15 00:45:10'
 * ```
 */
export async function makeLargeJpeg(filePath: string, sizeBytes: number): Promise<LargeMediaFile> {
  checkPath(filePath);
  const source = path.join(fixturesDir, JPEG_SOURCE);
  const [bytes, expected] = await Promise.all([readFile(source), readFile(path.join(fixturesDir, 'expected.json'), 'utf8')]).catch(
    (error: unknown) => {
      throw new LargeMediaError(`checked-in fixture missing under ${fixturesDir}`, { cause: error });
    },
  );
  checkSize('sizeBytes', sizeBytes, bytes.length);
  const entry = (JSON.parse(expected) as Array<{ file: string; rawTags: Record<string, string> }>).find(
    (candidate) => candidate.file === JPEG_SOURCE,
  );
  if (!entry) throw new LargeMediaError(`test-fixtures/expected.json has no entry for ${JPEG_SOURCE}`);
  await copyFile(source, filePath);
  await truncate(filePath, sizeBytes);
  return { path: filePath, sizeBytes, rawTags: entry.rawTags };
}

interface NormalizedMp4Options {
  readonly sizeBytes: number;
  readonly faststart: boolean;
  readonly createDate: Date;
  readonly ffmpeg: string;
  readonly timeoutMs: number;
}

function normalizeMp4Options(options: LargeMp4Options): NormalizedMp4Options {
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be an object, got ${String(options)}`);
  const { faststart = false, createDate = new Date('2021-06-30T23:30:00Z'), ffmpeg = 'ffmpeg', timeoutMs = 60_000 } = options;
  if (typeof faststart !== 'boolean') throw new TypeError(`faststart must be a boolean, got ${String(faststart)}`);
  if (!(createDate instanceof Date) || Number.isNaN(createDate.getTime()) || createDate.getUTCMilliseconds() !== 0) {
    throw new TypeError(`createDate must be a valid Date in whole seconds, got ${String(createDate)}`);
  }
  if (typeof ffmpeg !== 'string' || ffmpeg.length === 0) throw new TypeError(`ffmpeg must be a non-empty string, got ${String(ffmpeg)}`);
  return {
    // 64 KiB: always more than the two-second video below, so the check can be made up front.
    sizeBytes: checkSize('sizeBytes', options.sizeBytes, 64 * 1024),
    faststart,
    createDate,
    ffmpeg,
    timeoutMs: checkSize('timeoutMs', timeoutMs, 1),
  };
}

function runFfmpeg(options: NormalizedMp4Options, output: string): Promise<void> {
  const args = [
    ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    // No encoder dates or version strings of ffmpeg's own; the only date is the one we set.
    ...['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact'],
    ...['-metadata', `creation_time=${options.createDate.toISOString().replace('.000Z', 'Z')}`],
    ...(options.faststart ? ['-movflags', '+faststart'] : []),
    output,
  ];
  return new Promise((resolve, reject) => {
    execFile(options.ffmpeg, args, { timeout: options.timeoutMs, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const code = (error as NodeJS.ErrnoException).code;
      const facts = {
        exitCode: typeof code === 'number' ? code : undefined,
        signal: error.signal ?? undefined,
        stderr: String(stderr),
        timedOut: error.killed === true && error.signal === 'SIGKILL',
      };
      const why = code === 'ENOENT' ? `${options.ffmpeg} not found (make debian-test installs ffmpeg)` : `ffmpeg failed: ${facts.stderr.trim() || error.message}`;
      reject(new FfmpegError(why, facts, { cause: error }));
    });
  });
}

interface Box {
  readonly type: string;
  readonly offset: number;
  readonly size: number;
}

function topLevelBoxes(bytes: Buffer): Box[] {
  const boxes: Box[] = [];
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (size < 8) throw new LargeMediaError(`ffmpeg wrote a ${type} box of size ${size}, which this padding does not handle`);
    boxes.push({ type, offset, size });
    offset += size;
  }
  return boxes;
}

/** QuickTime date as exiftool prints it: `YYYY:MM:DD HH:MM:SS` (UTC, as stored). */
function exiftoolDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', ':')} ${iso.slice(11, 19)}`;
}

/**
 * Writes a valid MP4 (two seconds of H.264 test pattern by ffmpeg) of exactly `sizeBytes`, its
 * `mdat` grown with zero bytes after the samples, so sample offsets stay valid. Without
 * `faststart` the `moov` comes after that huge `mdat`, as in most phone videos; a reader must
 * find it at the end. Above 4 GiB the `mdat` gets a 64-bit size in place of ffmpeg's 8-byte `free`.
 *
 * @example
 * ```ts
 * const video = await makeLargeMp4('/tmp/big.mp4', { sizeBytes: 300 * 1024 * 1024 });
 * video.rawTags['QuickTime:CreateDate']; // '2021:06:30 23:30:00'
 * ```
 */
export async function makeLargeMp4(filePath: string, options: LargeMp4Options): Promise<LargeMediaFile> {
  checkPath(filePath);
  const normalized = normalizeMp4Options(options);
  const workDir = await mkdtemp(path.join(tmpdir(), 'large-mp4-'));
  try {
    const small = path.join(workDir, 'small.mp4');
    await runFfmpeg(normalized, small);
    const bytes = await readFile(small);
    const boxes = topLevelBoxes(bytes);
    const mdatIndex = boxes.findIndex((box) => box.type === 'mdat');
    const mdat = boxes[mdatIndex];
    if (!mdat) throw new LargeMediaError('ffmpeg wrote no mdat box');
    const padding = normalized.sizeBytes - bytes.length;
    const mdatEnd = mdat.offset + mdat.size;
    const grownSize = mdat.size + padding;

    const head = Buffer.from(bytes.subarray(0, mdatEnd));
    if (grownSize <= MAX_UINT32) {
      head.writeUInt32BE(grownSize, mdat.offset);
    } else {
      // free(8) + mdat(8) become one 16-byte mdat header with a 64-bit size: no offset moves.
      const free = boxes[mdatIndex - 1];
      if (free?.type !== 'free' || free.size !== 8) throw new LargeMediaError('no 8-byte free box before mdat to widen its size to 64 bits');
      head.writeUInt32BE(1, free.offset);
      head.write('mdat', free.offset + 4, 'latin1');
      head.writeBigUInt64BE(BigInt(grownSize + 8), free.offset + 8);
    }

    const file = await open(filePath, 'w');
    try {
      await file.write(head, 0, head.length, 0);
      const tail = bytes.subarray(mdatEnd);
      // The tail (moov, unless faststart) lands after the hole; the hole reads as zeros.
      if (tail.length > 0) await file.write(tail, 0, tail.length, mdatEnd + padding);
      await file.truncate(normalized.sizeBytes);
    } finally {
      await file.close();
    }

    const date = exiftoolDate(normalized.createDate);
    return {
      path: filePath,
      sizeBytes: normalized.sizeBytes,
      rawTags: {
        'QuickTime:CreateDate': date,
        'QuickTime:ModifyDate': date,
        'Track1:TrackCreateDate': date,
        'Track1:TrackModifyDate': date,
        'Track1:MediaCreateDate': date,
        'Track1:MediaModifyDate': date,
      },
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
