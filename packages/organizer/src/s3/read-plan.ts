import type { PrefetchOptions } from '@photo-organizer/s3-range-reader';

/** The blocks exiftool reads through (the range reader's and the perl server's block size). */
export const READ_BLOCK_SIZE = 64 * 1024;

/**
 * What exiftool will read of a file, by format, so the reader can ask for it in parallel before
 * perl asks block by block (perl reads synchronously: each miss is one round trip after another).
 * Measured with ExifTool 13.59 `-fast` over the corpus (research.md §9):
 * - every format reads the start;
 * - HEIC/HEIF/AVIF/CR3 (ISO-BMFF) read one byte at EOF-1: QuickTime.pm's truncation check;
 * - MP4/MOV/3GP with `moov` after `mdat` read the end: the `moov` (often over 64 KiB, hence a
 *   larger tail; a miss near the end reads to the end in one GET, see `readToEndWithin`);
 * - TIFF-based RAW (CR2, NEF, ARW, DNG, ...) read the last bytes: ExifTool.pm's trailer check.
 */
const TAIL_BYTES: Readonly<Record<string, number>> = Object.freeze({
  heic: 64 * 1024,
  heif: 64 * 1024,
  hif: 64 * 1024,
  avif: 64 * 1024,
  cr3: 64 * 1024,
  mp4: 256 * 1024,
  m4v: 256 * 1024,
  mov: 256 * 1024,
  qt: 256 * 1024,
  '3gp': 256 * 1024,
  '3g2': 256 * 1024,
  cr2: 64 * 1024,
  nef: 64 * 1024,
  nrw: 64 * 1024,
  arw: 64 * 1024,
  srf: 64 * 1024,
  sr2: 64 * 1024,
  dng: 64 * 1024,
  orf: 64 * 1024,
  rw2: 64 * 1024,
  pef: 64 * 1024,
  srw: 64 * 1024,
  erf: 64 * 1024,
  kdc: 64 * 1024,
  dcr: 64 * 1024,
  mef: 64 * 1024,
  iiq: 64 * 1024,
  '3fr': 64 * 1024,
});

/**
 * The ranges to request at once for a file, from its name's extension: the first block, and the
 * last bytes for formats whose reads end there. Unknown extensions get the head only.
 *
 * @example
 * prefetchPlan('IMG_0001.HEIC', 65536); // { head: 65536, tail: 65536 }
 * prefetchPlan('IMG_0001.JPG', 65536);  // { head: 65536, tail: 0 }
 */
export function prefetchPlan(fileName: string, blockSize: number): Required<Pick<PrefetchOptions, 'head' | 'tail'>> {
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return { head: blockSize, tail: TAIL_BYTES[extension] ?? 0 };
}

/** Whether the name says JPEG (exiftool then reads the segments up to the image data). */
export function isJpegName(fileName: string): boolean {
  return /\.(jpe?g|jpe)$/i.test(fileName);
}

/**
 * Walks a JPEG's marker segments (SOI, then `FF xx` + 2-byte big-endian length) in `bytes` (the
 * start of the file) to where exiftool `-fast` stops: the start of scan (SOS) or end of image.
 * Returns `{ end }` when that point lies inside `bytes`, `{ needs }` (an offset) when a segment runs
 * past them (the caller fetches up to there and walks again), or `undefined` when this is not a
 * JPEG or the structure is not what the walk understands (exiftool then reads as it goes).
 *
 * @example
 * walkJpegSegments(firstBlock); // { end: 24_576 } or { needs: 66_113 }
 */
export function walkJpegSegments(bytes: Uint8Array): { readonly end: number } | { readonly needs: number } | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  for (;;) {
    if (offset + 4 > bytes.length) return { needs: offset + 4 };
    if (bytes[offset] !== 0xff) return undefined;
    let marker = bytes[offset + 1]!;
    // Fill bytes: any number of 0xFF before the marker code.
    while (marker === 0xff && offset + 2 < bytes.length) {
      offset += 1;
      marker = bytes[offset + 1]!;
    }
    if (marker === 0xda || marker === 0xd9) return { end: offset };
    // Markers without a length (RSTn, TEM): not expected before SOS; leave it to exiftool.
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) return undefined;
    if (offset + 4 > bytes.length) return { needs: offset + 4 };
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (length < 2) return undefined;
    offset += 2 + length;
  }
}
