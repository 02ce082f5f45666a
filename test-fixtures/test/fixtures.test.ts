import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinnedExiftool } from '@photo-organizer/test-kit';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';

/** One entry of expected.json (see README.md). */
interface FixtureEntry {
  readonly file: string;
  readonly format: string;
  readonly rawTags: Readonly<Record<string, string>>;
  readonly captureDate: string | null;
  readonly dateSource: string;
  readonly key: string | null;
  /** Why the organizer leaves this file alone (not a photo or video). */
  readonly skipped?: string;
  readonly notes: string;
}

type ExiftoolRecord = Readonly<Record<string, unknown>>;

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mediaDir = path.join(fixturesDir, 'media');
const entries = JSON.parse(readFileSync(path.join(fixturesDir, 'expected.json'), 'utf8')) as FixtureEntry[];
const byFile = new Map(entries.map((entry) => [entry.file, entry]));

const DATE_SOURCES = [
  'DateTimeOriginal',
  'QuickTimeCreationDateWithOffset',
  'CreateDate',
  'QuickTimeUTC',
  'OtherCaptureDate',
  'GPSDateTime',
  'ModifyDate',
  'FileName',
  'Undated',
];
const MAX_TOTAL_BYTES = 2 * 1024 * 1024;
// Groups that describe the file on disk or are derived from other tags, not what the file carries.
const NOT_CARRIED_GROUPS = new Set(['ExifTool', 'System', 'File', 'Composite']);

/** A date-valued tag the file itself carries (`Group:Name` as `exiftool -G1` reports it). */
function isCarriedDate(tag: string): boolean {
  const [group = '', name = ''] = tag.split(':');
  return !NOT_CARRIED_GROUPS.has(group) && /Date|^CreationTime$|^GPSTimeStamp$/.test(name);
}

function entryFor(file: string): FixtureEntry {
  const entry = byFile.get(file);
  if (!entry) throw new Error(`expected.json has no entry for ${file}`);
  return entry;
}

/** Top-level ISO-BMFF boxes as [type, size]; throws when the sizes do not tile the file. */
function topLevelBoxes(bytes: Buffer): Array<[string, number]> {
  const boxes: Array<[string, number]> = [];
  let offset = 0;
  while (offset < bytes.length) {
    let size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    if (size === 0) size = bytes.length - offset; // "extends to end of file"
    if (size < 8 || offset + size > bytes.length) throw new Error(`bad box ${type} of size ${size} at ${offset}`);
    boxes.push([type, size]);
    offset += size;
  }
  return boxes;
}

const EOI = Buffer.from([0xff, 0xd9]);
const SOS = Buffer.from([0xff, 0xda]);

describe('expected.json', () => {
  it('has one entry per file, all with the fields the date policy needs', () => {
    // Prepare
    const files = entries.map((entry) => entry.file);

    // Assess
    expect(new Set(files).size).toBe(files.length);
    for (const entry of entries) {
      expect(DATE_SOURCES, entry.file).toContain(entry.dateSource);
      expect(entry.notes.length, entry.file).toBeGreaterThan(10);
      expect(entry.format, entry.file).toMatch(/^[A-Z][A-Z0-9]*$/);
    }
  });

  it.each(entries)('files $file under a key that agrees with its captureDate and dateSource', (entry) => {
    // Prepare
    const name = path.posix.basename(entry.file);

    // Assess
    if (entry.skipped !== undefined) {
      expect(entry.key).toBeNull();
      expect(entry.captureDate).toBeNull();
    } else if (entry.captureDate === null) {
      expect(entry.dateSource).toBe('Undated');
      expect(entry.key).toBe(`undated/${name}`);
    } else {
      expect(entry.captureDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?$/);
      expect(entry.dateSource).not.toBe('Undated');
      expect(entry.key).toBe(`${entry.captureDate.slice(0, 10)}/${name}`);
    }
  });
});

describe('media files', () => {
  it('match expected.json one to one', () => {
    // Act
    const onDisk = readdirSync(mediaDir).map((name) => `media/${name}`).sort();

    // Assess
    expect(onDisk).toEqual(entries.map((entry) => entry.file).sort());
  });

  it('are checked in and small', async () => {
    // Act
    const { stdout } = await execa('git', ['ls-files', '-z', '--', 'media', 'expected.json'], { cwd: fixturesDir });
    const tracked = new Set(stdout.split('\0').filter((name) => name.length > 0));
    const totalBytes = entries.reduce((sum, entry) => sum + statSync(path.join(fixturesDir, entry.file)).size, 0);

    // Assess
    expect(tracked).toContain('expected.json');
    for (const entry of entries) expect(tracked, `${entry.file} is not checked in`).toContain(entry.file);
    expect(totalBytes).toBeLessThan(MAX_TOTAL_BYTES);
  });

  it('put moov after mdat in the moov-at-end MP4 and before it in the faststart MP4 and the MOV', () => {
    // Prepare
    const order = (file: string): string[] =>
      topLevelBoxes(readFileSync(path.join(fixturesDir, file)))
        .map(([type]) => type)
        .filter((type) => type === 'moov' || type === 'mdat');

    // Act / Assess
    expect(order('media/mp4-moov-at-end.mp4')).toEqual(['mdat', 'moov']);
    expect(order('media/mp4-faststart.mp4')).toEqual(['moov', 'mdat']);
    expect(order('media/mov-apple-creationdate.mov')).toEqual(['moov', 'mdat']);
  });

  it('cut the truncated JPEGs where their notes say, and keep the 0-byte file empty', () => {
    // Prepare
    const read = (file: string): Buffer => readFileSync(path.join(fixturesDir, entryFor(file).file));
    const inImageData = read('media/jpeg-truncated-in-image-data.jpg');
    const inExif = read('media/jpeg-truncated-in-exif.jpg');
    const whole = read('media/jpeg-dto-no-offset.jpg');

    // Assess: a JPEG starts with SOI; only the complete one ends with EOI.
    expect(whole.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(whole.subarray(-2)).toEqual(EOI);
    expect(inImageData.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(inImageData.includes(SOS)).toBe(true);
    expect(inImageData.includes(EOI)).toBe(false);
    expect(inExif.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(true);
    expect(inExif.includes(SOS)).toBe(false);
    expect(inExif.includes(EOI)).toBe(false);
    expect(read('media/empty.jpg').length).toBe(0);
  });
});

describe('tags read back with the pinned exiftool', () => {
  const records = new Map<string, ExiftoolRecord>();

  beforeAll(async () => {
    // Act: one exiftool run over every fixture. It exits 1 because empty.jpg is an error for it.
    const exiftool = pinnedExiftool();
    const result = await execa(exiftool.perl, [exiftool.script, '-json', '-G1', '-a', ...entries.map((entry) => entry.file)], {
      cwd: fixturesDir,
      reject: false,
      timeout: 60_000,
    });
    for (const record of JSON.parse(result.stdout) as ExiftoolRecord[]) records.set(String(record.SourceFile), record);
  });

  it('reports every fixture', () => {
    expect([...records.keys()].sort()).toEqual(entries.map((entry) => entry.file).sort());
  });

  it.each(entries)('reports the tags written into $file, with their exact values', (entry) => {
    // Act
    const record = records.get(entry.file) ?? {};

    // Assess
    for (const [tag, value] of Object.entries(entry.rawTags)) {
      expect(record[tag] === undefined ? undefined : String(record[tag]), tag).toBe(value);
    }
    if (entry.format === 'EMPTY') expect(record['ExifTool:Error']).toBe('File is empty');
    else expect(record['File:FileType']).toBe(entry.format);
  });

  it.each(entries)('reports no date in $file beyond the ones written', (entry) => {
    // Prepare: catches a tool stamping the generation time (ImageMagick, ffmpeg) or a cut that left a date readable.
    const record = records.get(entry.file) ?? {};

    // Act
    const carriedDates = Object.keys(record).filter(isCarriedDate);

    // Assess
    expect(carriedDates.sort()).toEqual(Object.keys(entry.rawTags).filter(isCarriedDate).sort());
  });
});
