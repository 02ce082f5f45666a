/**
 * Files made at run time for the soak (many distinct dated JPEGs) and the hostile-input suite
 * (files built to trip parsers). Everything is generated here, byte by byte: no corpus file is copied.
 */
import { constants as zlibConstants, deflateRawSync, deflateSync } from 'node:zlib';

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

/** An IFF chunk as DjVu uses them: id, big-endian length, data, a pad byte to an even length. */
function iffChunk(id: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(id, 'latin1'), u32be(data.length), data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/**
 * Annotation payloads that made exiftool < 12.24 run perl code while reading a DjVu `ANTa` chunk
 * (CVE-2021-22204: DjVu.pm passed the quoted metadata strings to `eval`). Each would create
 * `${marker}-<n>`. Source: https://nvd.nist.gov/vuln/detail/CVE-2021-22204 and exiftool's
 * 12.24 change notes (https://exiftool.org/history.html).
 */
export function perlPayloads(marker: string): string[] {
  return [
    `(metadata (Author "\\c\${system('touch ${marker}-1')};"))`,
    `(metadata (Copyright "\\\n" . qx{touch ${marker}-2} . \\\n""))`,
    `(metadata (Title "@{[system 'touch ${marker}-3']}"))`,
    `(metadata (Subject "\${\\ \`touch ${marker}-4\`}"))`,
  ];
}

/** A one-page DjVu (`AT&TFORM` / `DJVU`) whose `ANTa` annotation chunk carries `annotation`. */
export function makeDjvuWithAnnotation(annotation: string): Buffer {
  const info = Buffer.alloc(10);
  info.writeUInt16BE(1, 0); // width
  info.writeUInt16BE(1, 2); // height
  info[4] = 24; // minor version
  info[5] = 0; // major version
  info.writeUInt16LE(300, 6); // dpi
  info[8] = 22; // gamma x10
  info[9] = 1; // rotation flags
  const body = Buffer.concat([Buffer.from('DJVU', 'latin1'), iffChunk('INFO', info), iffChunk('ANTa', Buffer.from(annotation, 'latin1'))]);
  return Buffer.concat([Buffer.from('AT&T', 'latin1'), Buffer.from('FORM', 'latin1'), u32be(body.length), body]);
}

/** Adler-32 of `length` zero bytes: a stays 1, b grows by 1 per byte (RFC 1950 section 8.2). */
function adler32OfZeros(length: number): number {
  return ((length % 65521) * 65536 + 1) >>> 0;
}

/**
 * A valid 1x1 PNG with one zTXt chunk whose zlib stream inflates to `inflatedBytes` of zeros
 * (1 GiB by default, from ~1 MB): a deflate bomb larger than the function's memory. Built from one
 * full-flushed deflate block of 64 MiB repeated (a full flush resets the window, so the block
 * stands alone), then a final empty block and the Adler-32 of all those zeros.
 */
export function makeDeflateBombPng(inflatedBytes = 1024 * 1024 * 1024): Buffer {
  const unit = 64 * 1024 * 1024;
  if (inflatedBytes % unit !== 0) throw new RangeError(`inflatedBytes must be a multiple of ${unit}, got ${inflatedBytes}`);
  const block = deflateRawSync(Buffer.alloc(unit), { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH });
  const stream = Buffer.concat([
    Buffer.from([0x78, 0xda]),
    ...Array.from({ length: inflatedBytes / unit }, () => block),
    deflateRawSync(Buffer.alloc(0)),
    u32be(adler32OfZeros(inflatedBytes)),
  ]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.from([0]), stream])),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Files whose length fields claim far more than the file holds. */
export function makeLyingLengthFiles(captureDate: Date): { name: string; extension: string; body: Buffer }[] {
  const exif = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff(exifDate(captureDate))]));
  // JPEG: a valid Exif segment, then an APP2 that claims 65,533 bytes and the file ends 10 bytes in.
  const jpegShortSegment = Buffer.concat([Buffer.from([0xff, 0xd8]), exif, Buffer.from([0xff, 0xe2, 0xff, 0xff]), Buffer.alloc(10, 0x41)]);
  // TIFF: IFD0 claims 65,535 entries; one DateTime entry says its 4 GB value is at offset 0xfffffff0.
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(0xffff, 8);
  tiff.writeUInt16LE(0x0132, 10); // DateTime
  tiff.writeUInt16LE(2, 12); // ASCII
  tiff.writeUInt32LE(0xffffffff, 14); // count
  tiff.writeUInt32LE(0xfffffff0, 18); // offset
  // PNG: a tEXt chunk of declared length 2^31 - 1, then the end of the file.
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), u32be(0x7fffffff), Buffer.from('tEXtComment\0short', 'latin1')]);
  // MP4: a moov box whose 64-bit size is 2^62, holding a few bytes.
  const moov = Buffer.concat([u32be(1), Buffer.from('moov', 'latin1'), u32be(0x40000000), u32be(0), box('mvhd', Buffer.alloc(100))]);
  const mp4 = Buffer.concat([box('ftyp', Buffer.concat([Buffer.from('isom', 'latin1'), u32be(512), Buffer.from('isommp41', 'latin1')])), moov]);
  return [
    { name: 'JPEG segment claiming 65,533 bytes, 10 present', extension: 'jpg', body: jpegShortSegment },
    { name: 'TIFF IFD claiming 65,535 entries, a 4 GB value past the end', extension: 'tif', body: tiff },
    { name: 'PNG chunk claiming 2 GiB', extension: 'png', body: png },
    { name: 'MP4 moov claiming 2^62 bytes (64-bit size)', extension: 'mp4', body: mp4 },
  ];
}
