// The objects every strategy organizes: corpus files (read in place, never copied into the repo)
// and large objects generated at run time into a temp dir (deleted by the caller).
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLargeJpeg, makeLargeMp4, readCorpusTable } from '@photo-organizer/test-kit';

export interface BenchObject {
  /** Source key, `incoming/<dir>/<name>`. */
  readonly key: string;
  readonly dir: string;
  readonly name: string;
  /** Corpus path (`files/...`) or a label for a generated object. */
  readonly label: string;
  readonly localPath: string;
  readonly size: number;
  readonly kind: 'corpus' | 'large';
  /** Keys (below the strategy's prefix) that count as "filed under the right date"; none when unknown. */
  readonly expectedKeys: readonly string[];
  /** `logical_unique_bytes` of bytes_needed.tsv: what exiftool itself reads with -fast. */
  readonly lowerBoundBytes: number | undefined;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const EXPECTED_TABLE = path.resolve(here, '../../packages/organizer/test/corpus/expected.tsv');

/**
 * Rows whose answer depends on the day of the run (a date "more than a day after upload" is a
 * camera-clock error until that day comes): the organizer's corpus test handles the same row.
 */
const TIME_DEPENDENT: Readonly<Record<string, { validFrom: string; expectedKey: string }>> = {
  'files/exif-samples/WWL_(Polaroid)_ION230.jpg': { validFrom: '2026-11-23T14:41:16Z', expectedKey: '2026-11-24/WWL_(Polaroid)_ION230.jpg' },
};

/** Corpus files, with expected keys when the organizer's expected table is there. `sample` keeps every n-th. */
export function corpusObjects(corpus: string, options: { readonly sample?: number; readonly now: Date }): { objects: BenchObject[]; expectedTable: boolean } {
  const manifest = readCorpusTable(corpus, 'manifest.tsv');
  const bounds = new Map(readCorpusTable(corpus, 'bytes_needed.tsv').map((row) => [row.path, Number(row.logical_unique_bytes)]));
  const expectedTable = existsSync(EXPECTED_TABLE);
  const expected = new Map<string, string[]>();
  if (expectedTable) {
    for (const row of readCorpusTable(path.dirname(EXPECTED_TABLE), path.basename(EXPECTED_TABLE))) {
      const keys = [row.expected_key ?? ''];
      const later = TIME_DEPENDENT[row.path ?? ''];
      if (later) {
        const validFrom = Date.parse(later.validFrom);
        if (options.now.getTime() >= validFrom) keys.splice(0, 1, later.expectedKey);
        else if (options.now.getTime() >= validFrom - 86_400_000) keys.push(later.expectedKey);
      }
      expected.set(row.path ?? '', keys);
    }
  }
  const paths = manifest.map((row) => row.path ?? '').filter(Boolean).sort();
  const step = options.sample && options.sample < paths.length ? paths.length / options.sample : 1;
  const chosen = step === 1 ? paths : Array.from({ length: options.sample! }, (_, index) => paths[Math.floor(index * step)]!);
  const objects = chosen.map((filePath): BenchObject => {
    const [, dir = '', ...rest] = filePath.split('/');
    const name = rest.join('/');
    const row = manifest.find((entry) => entry.path === filePath);
    return {
      key: `incoming/${dir}/${name}`,
      dir,
      name,
      label: filePath,
      localPath: path.join(corpus, filePath),
      size: Number(row?.size_bytes ?? Number.NaN),
      kind: 'corpus',
      expectedKeys: expected.get(filePath) ?? [],
      lowerBoundBytes: bounds.get(filePath),
    };
  });
  return { objects, expectedTable };
}

const MiB = 1024 * 1024;

export interface LargeSizes {
  readonly mp4Bytes: number;
  readonly tiffBytes: number;
  readonly jpegBytes: number;
}
export const FULL_SIZES: LargeSizes = { mp4Bytes: 1024 * MiB, tiffBytes: 100 * MiB, jpegBytes: 200 * MiB };
export const QUICK_SIZES: LargeSizes = { mp4Bytes: 100 * MiB, tiffBytes: 20 * MiB, jpegBytes: 50 * MiB };

const large = (directory: string, name: string, size: number, label: string, expectedKey: string): BenchObject => ({
  key: `incoming/generated/${name}`,
  dir: 'generated',
  name,
  label,
  localPath: path.join(directory, name),
  size,
  kind: 'large',
  expectedKeys: [expectedKey],
  lowerBoundBytes: undefined,
});

/** ffmpeg MP4s (moov at the end, and faststart), a TIFF with its IFDs after the pixels, a JPEG padded to size. */
export async function generateLargeObjects(directory: string, sizes: LargeSizes): Promise<BenchObject[]> {
  const mb = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;
  // Noon UTC: QuickTime dates are UTC, and the default zone is UTC, so the day is not in doubt.
  const createDate = new Date('2021-06-30T12:00:00Z');
  const moovAtEnd = await makeLargeMp4(path.join(directory, 'moov-at-end.mp4'), { sizeBytes: sizes.mp4Bytes, createDate });
  const faststart = await makeLargeMp4(path.join(directory, 'faststart.mp4'), { sizeBytes: sizes.mp4Bytes, createDate, faststart: true });
  const jpeg = await makeLargeJpeg(path.join(directory, 'large-preview.jpg'), sizes.jpegBytes);
  const jpegDay = (jpeg.rawTags['ExifIFD:DateTimeOriginal'] ?? '').slice(0, 10).replaceAll(':', '-');
  await writeTiffWithTrailingIfd(path.join(directory, 'scan.tif'), sizes.tiffBytes);
  return [
    large(directory, 'moov-at-end.mp4', moovAtEnd.sizeBytes, `MP4 ${mb(moovAtEnd.sizeBytes)}, moov at the end (ffmpeg)`, '2021-06-30/moov-at-end.mp4'),
    large(directory, 'faststart.mp4', faststart.sizeBytes, `MP4 ${mb(faststart.sizeBytes)}, faststart (ffmpeg)`, '2021-06-30/faststart.mp4'),
    large(directory, 'scan.tif', sizes.tiffBytes, `TIFF ${mb(sizes.tiffBytes)}, IFDs after the pixels`, `${TIFF_DTO.slice(0, 10).replaceAll(':', '-')}/scan.tif`),
    large(directory, 'large-preview.jpg', jpeg.sizeBytes, `JPEG ${mb(jpeg.sizeBytes)}, dates in the first KB, large padding after`, `${jpegDay}/large-preview.jpg`),
  ];
}

const TIFF_DTO = '2020:05:17 09:30:00';
const TIFF_MODIFY = '2020:05:18 10:00:00';

/**
 * A baseline grey TIFF of `sizeBytes` whose IFD0 and Exif IFD follow the pixel strip, as libtiff
 * and ImageMagick write them: a reader must jump to the end. The pixels are a sparse hole (zeros).
 */
export async function writeTiffWithTrailingIfd(filePath: string, sizeBytes: number): Promise<void> {
  const width = 4096;
  const height = Math.floor((sizeBytes - 8 - 512) / width);
  const pixels = width * height;
  const ifd0At = 8 + pixels;
  const ifd0Entries = 11;
  const exifAt = ifd0At + 2 + ifd0Entries * 12 + 4;
  const modifyAt = exifAt + 2 + 12 + 4;
  const dtoAt = modifyAt + 20;
  const end = dtoAt + 20;
  const tail = Buffer.alloc(end - ifd0At);
  let cursor = 0;
  const u16 = (value: number) => {
    tail.writeUInt16LE(value, cursor);
    cursor += 2;
  };
  const u32 = (value: number) => {
    tail.writeUInt32LE(value, cursor);
    cursor += 4;
  };
  const entry = (tag: number, type: 3 | 4 | 2, count: number, value: number) => {
    u16(tag);
    u16(type);
    u32(count);
    if (type === 3) {
      u16(value);
      u16(0);
    } else u32(value);
  };
  u16(ifd0Entries);
  entry(256, 4, 1, width);
  entry(257, 4, 1, height);
  entry(258, 3, 1, 8);
  entry(259, 3, 1, 1);
  entry(262, 3, 1, 1);
  entry(273, 4, 1, 8);
  entry(277, 3, 1, 1);
  entry(278, 4, 1, height);
  entry(279, 4, 1, pixels);
  entry(306, 2, 20, modifyAt); // ModifyDate, a day later: a reader that misses the Exif IFD files it wrong
  entry(34665, 4, 1, exifAt);
  u32(0);
  u16(1);
  entry(36867, 2, 20, dtoAt); // DateTimeOriginal
  u32(0);
  tail.write(`${TIFF_MODIFY}\0`, cursor, 'latin1');
  cursor += 20;
  tail.write(`${TIFF_DTO}\0`, cursor, 'latin1');
  const header = Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0]);
  header.writeUInt32LE(ifd0At, 4);
  const file = await open(filePath, 'w');
  try {
    await file.write(header, 0, header.length, 0);
    await file.write(tail, 0, tail.length, ifd0At);
    await file.truncate(sizeBytes);
  } finally {
    await file.close();
  }
}
