import { execa } from 'execa';
import { pinnedExiftool } from '@photo-organizer/test-kit';
import type { ExiftoolOptions, RandomAccessSource } from '../src/index.js';

export const pinned = pinnedExiftool();

/**
 * The tags these tests ask for and compare with the CLI: dates of every kind (EXIF, XMP, IPTC,
 * QuickTime, PNG, GPS), offsets, camera and type. The organizer's own list lives with its date
 * policy; the driver has no default.
 */
export const TEST_TAGS: readonly string[] = [
  'SubSecDateTimeOriginal', 'DateTimeOriginal', 'SubSecCreateDate', 'CreateDate', 'CreationDate', 'MediaCreateDate',
  'TrackCreateDate', 'DateTimeCreated', 'DateCreated', 'TimeCreated', 'DigitalCreationDate', 'DigitalCreationTime',
  'CreationTime', 'GPSDateTime', 'GPSDateStamp', 'GPSTimeStamp', 'ModifyDate', 'OffsetTime', 'OffsetTimeOriginal',
  'OffsetTimeDigitized', 'TimeZone', 'TimeZoneOffset', 'Make', 'Model', 'FileType', 'MIMEType',
];

/** Options pointing at the pinned exiftool (exiftool-vendored.pl) and the machine's perl. */
export const exiftoolOptions: ExiftoolOptions = {
  exiftoolLibDir: pinned.libDir,
  exiftoolScriptPath: pinned.script,
  perlPath: pinned.perl,
  tags: TEST_TAGS,
};

/** The date tags (and camera) the comparison looks at. */
export const COMPARED_TAGS = new Set(TEST_TAGS);

/**
 * Runs the real exiftool CLI on local files, as the reference: `exiftool -fast -json -G1 -a <tags>`.
 * Returns one parsed object per file, keyed by path (many files per run: one start-up).
 */
export async function cliReference(files: readonly string[], tags: readonly string[] = TEST_TAGS): Promise<Map<string, Record<string, unknown>>> {
  const result = await execa(
    pinned.perl,
    [pinned.script, '-fast', '-json', '-G1', '-a', ...[...tags, 'Error', 'Warning'].map((tag) => `-${tag}`), '-@', '-'],
    { input: files.join('\n'), reject: false, env: { LC_ALL: 'C' }, maxBuffer: 256 * 1024 * 1024 },
  );
  const parsed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
  return new Map(parsed.map((entry) => [String(entry.SourceFile), entry]));
}

/** The compared tags of a CLI entry or a result's tags, System/File-system tags excluded. */
export function datesAndCamera(tags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(tags)
      .filter(([key]) => COMPARED_TAGS.has(key.slice(key.indexOf(':') + 1)) && !key.startsWith('System:'))
      .sort(([left], [right]) => left.localeCompare(right)),
  );
}

/**
 * A real source wrapped to misbehave on purpose (stall, kill, fail). Only the behaviour named in
 * `onRead` is added; the bytes come from the wrapped source.
 */
export function wrapSource(
  inner: RandomAccessSource,
  onRead: (offset: number, length: number, signal: AbortSignal | undefined) => Promise<void> | void,
): RandomAccessSource {
  return {
    size: () => inner.size(),
    async read(offset, length, options) {
      await onRead(offset, length, options?.signal);
      return inner.read(offset, length, options);
    },
  };
}
