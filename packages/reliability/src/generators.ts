/**
 * Files made at run time for the soak (many distinct dated JPEGs) and the hostile-input suite
 * (files built to trip parsers). Everything is generated here, byte by byte: no corpus file is copied.
 */
import { deflateSync } from 'node:zlib';

const u16be = (value: number) => Buffer.from([(value >>> 8) & 0xff, value & 0xff]);
const u32be = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
};

/** A little-endian TIFF with IFD0 -> ExifIFD -> DateTimeOriginal (`YYYY:MM:DD HH:MM:SS`). */
function exifTiff(dateTimeOriginal: string): Buffer {
  const tiff = Buffer.alloc(44 + 20);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4); // IFD0
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x8769, 10); // ExifIFD pointer
  tiff.writeUInt16LE(4, 12); // LONG
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt32LE(26, 18);
  tiff.writeUInt32LE(0, 22); // no next IFD
  tiff.writeUInt16LE(1, 26);
  tiff.writeUInt16LE(0x9003, 28); // DateTimeOriginal
  tiff.writeUInt16LE(2, 30); // ASCII
  tiff.writeUInt32LE(20, 32);
  tiff.writeUInt32LE(44, 36);
  tiff.writeUInt32LE(0, 40);
  tiff.write(`${dateTimeOriginal}\0`, 44, 'latin1');
  return tiff;
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  if (payload.length + 2 > 0xffff) throw new RangeError(`JPEG segment payload too long: ${payload.length}`);
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);
}

/** `YYYY:MM:DD HH:MM:SS` for a Date (UTC fields). */
export function exifDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getUTCFullYear()}:${pad(date.getUTCMonth() + 1)}:${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/**
 * A small JPEG (SOI, Exif APP1 with DateTimeOriginal, a comment carrying `nonce` so two files are
 * never byte-identical, `padBytes` of filler after EOI as cameras leave, EOI).
 */
export function makeDatedJpeg(options: { readonly captureDate: Date; readonly nonce: string; readonly padBytes?: number }): Buffer {
  const exif = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff(exifDate(options.captureDate))]));
  const comment = jpegSegment(0xfe, Buffer.from(options.nonce, 'utf8'));
  return Buffer.concat([Buffer.from([0xff, 0xd8]), exif, comment, Buffer.from([0xff, 0xd9]), Buffer.alloc(options.padBytes ?? 0, 0x55)]);
}

/**
 * A JPEG whose application segments add up to `appBytes` (60 MB by default) before the Exif
 * segment: a reader must step over them without holding them. (One JPEG segment holds at most
 * 64 KiB, so a "60 MB APP segment" is a run of maximal APP15 segments.)
 */
export function makeHugeAppJpeg(captureDate: Date, appBytes = 60 * 1024 * 1024): Buffer {
  const filler = jpegSegment(0xef, Buffer.alloc(0xffff - 2, 0xa5));
  const count = Math.ceil(appBytes / filler.length);
  const exif = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff(exifDate(captureDate))]));
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...Array.from({ length: count }, () => filler), exif, Buffer.from([0xff, 0xd9])]);
}

function box(type: string, payload: Buffer): Buffer {
  return Buffer.concat([u32be(payload.length + 8), Buffer.from(type, 'latin1'), payload]);
}

const FTYP = box('ftyp', Buffer.concat([Buffer.from('qt  ', 'latin1'), u32be(0), Buffer.from('qt  ', 'latin1')]));

/** A QuickTime file whose `moov` holds `depth` container boxes nested one in another. */
export function makeDeeplyNestedMov(depth = 20_000): Buffer {
  let inner = box('free', Buffer.alloc(0));
  // `udta` inside `trak` inside `moov`... containers exiftool descends into.
  const types = ['trak', 'mdia', 'minf', 'udta'];
  for (let level = 0; level < depth; level++) inner = box(types[level % types.length]!, inner);
  return Buffer.concat([FTYP, box('moov', inner)]);
}

/**
 * QuickTime boxes that point back at themselves: a box of size 8 followed by one whose 64-bit
 * size is 0 (less than its own header), one of declared size 1..7, and a `moov` whose child
 * claims to be larger than its parent.
 */
export function makeLoopingMov(): Buffer {
  const selfSized = Buffer.concat([u32be(1), Buffer.from('trak', 'latin1'), Buffer.alloc(8, 0)]); // size 1 => 64-bit size 0
  const tiny = Buffer.concat([u32be(4), Buffer.from('mdia', 'latin1')]);
  const oversized = Buffer.concat([u32be(0x7fffffff), Buffer.from('udta', 'latin1'), Buffer.alloc(16)]);
  const moov = Buffer.concat([u32be(8 + selfSized.length + tiny.length + oversized.length), Buffer.from('moov', 'latin1'), selfSized, tiny, oversized]);
  return Buffer.concat([FTYP, moov, Buffer.concat([u32be(0), Buffer.from('mdat', 'latin1')])]);
}

/** A TIFF whose IFD0 links to IFD1, IFD1 back to IFD0, and whose ExifIFD pointer points at IFD0. */
export function makeLoopingTiff(): Buffer {
  const tiff = Buffer.alloc(64);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  // IFD0 at 8: ExifIFD -> 8 (itself), next -> 26
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x8769, 10);
  tiff.writeUInt16LE(4, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt32LE(8, 18);
  tiff.writeUInt32LE(26, 22);
  // IFD1 at 26: SubIFD pointer -> 26, next -> 8
  tiff.writeUInt16LE(1, 26);
  tiff.writeUInt16LE(0x014a, 28);
  tiff.writeUInt16LE(4, 30);
  tiff.writeUInt32LE(1, 32);
  tiff.writeUInt32LE(26, 36);
  tiff.writeUInt32LE(8, 40);
  return tiff;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
}

/**
 * A valid 1x1 PNG carrying `chunks` zTXt chunks that each inflate to `inflatedBytes` (a
 * decompression bomb: ~100 KB on disk per 100 MB inflated).
 */
export function makePngTextBomb(options: { readonly chunks?: number; readonly inflatedBytes?: number } = {}): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const bomb = deflateSync(Buffer.alloc(options.inflatedBytes ?? 64 * 1024 * 1024, 0x41), { level: 9 });
  const text = pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.from([0]), bomb]));
  const image = pngChunk('IDAT', deflateSync(Buffer.from([0, 0])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    ...Array.from({ length: options.chunks ?? 4 }, () => text),
    image,
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * An MP4 made of `count` empty `free` boxes before its `moov`: every box costs exiftool a read and
 * a loop turn, so with a short exiftool timeout it runs out of time.
 */
export function makeManyBoxesMp4(count = 3_000_000): Buffer {
  const ftyp = box('ftyp', Buffer.concat([Buffer.from('isom', 'latin1'), u32be(512), Buffer.from('isommp41', 'latin1')]));
  const free = box('free', Buffer.alloc(0));
  const frees = Buffer.alloc(free.length * count);
  for (let index = 0; index < count; index++) free.copy(frees, index * free.length);
  return Buffer.concat([ftyp, frees, box('moov', box('mvhd', Buffer.alloc(100)))]);
}
