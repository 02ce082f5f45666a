import {
  fromEpochMs,
  parseExifDate,
  parseOffset,
  toEpochMs,
  zoneOffsetMinutes,
  type WallClock,
} from './date-value.js';
import { dateFromFileName } from './file-name-date.js';

/** Which rule of docs/date-policy decided the date. */
export type DateSource =
  | 'DateTimeOriginal'
  | 'QuickTimeCreationDateWithOffset'
  | 'CreateDate'
  | 'QuickTimeUTC'
  | 'OtherCaptureDate'
  | 'GPSDateTime'
  | 'ModifyDate'
  | 'FileName'
  | 'UploadDate'
  | 'Undated';

export type MetadataTags = Readonly<Record<string, unknown>>;

export interface CaptureDateContext {
  /** The object's file name (last path segment), for rule 8. */
  readonly fileName: string;
  /** When the object was uploaded (S3 LastModified): dates after it + 1 day are camera-clock errors. */
  readonly uploadedAt?: Date;
  /** IANA zone for UTC dates without an offset in the file. @default 'UTC' */
  readonly defaultTimeZone?: string;
  /** What to do when nothing is found. @default 'undated' */
  readonly undated?: 'undated' | 'upload-date';
}

export type CaptureDateDecision =
  | {
      readonly dated: true;
      /** The photographer's wall clock; `offsetMinutes` set when known. */
      readonly captureDate: WallClock;
      readonly dateSource: DateSource;
      /** The tag that decided, e.g. `ExifIFD:DateTimeOriginal`, or `file name`. */
      readonly tag: string;
      /** How a UTC date became local: the file's own offset or the configured zone. */
      readonly offsetFrom?: 'file' | 'default-time-zone';
      /** Candidates skipped as invalid, with why: users ask "why not that date?". */
      readonly rejected: readonly RejectedCandidate[];
    }
  | { readonly dated: false; readonly dateSource: 'Undated'; readonly rejected: readonly RejectedCandidate[] };

export interface RejectedCandidate {
  readonly tag: string;
  readonly value: string;
  readonly reason: 'unparseable' | 'placeholder' | 'before-1800' | 'in-the-future';
}

interface Tag {
  readonly key: string;
  readonly group: string;
  readonly name: string;
  readonly value: unknown;
}

const EXIF_GROUP = /^(IFD\d|ExifIFD|SubIFD\d*|EXIF|GPS|Composite|MakerNotes|XMP(-.*)?)$/i;
const XMP_OR_EXIF_NOT_COMPOSITE = /^(IFD\d|ExifIFD|SubIFD\d*|EXIF|XMP(-.*)?)$/i;
const QUICKTIME_GROUP = /^(QuickTime|Keys|UserData|ItemList|Track\d+|Movie|Video|Audio|Microsoft|MovieHeader|TrackHeader|MediaHeader)$/i;
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
const EARLIEST = Date.UTC(1800, 0, 1);

/**
 * Decides the capture date of a file from exiftool's tags, following docs/date-policy.md:
 * the first valid candidate in rule order wins; invalid ones are skipped and reported.
 *
 * @example
 * decideCaptureDate({ 'ExifIFD:DateTimeOriginal': '2018:02:01 10:00:00' }, { fileName: 'a.jpg' });
 * // { dated: true, dateSource: 'DateTimeOriginal', captureDate: { year: 2018, month: 2, day: 1, ... } }
 */
export function decideCaptureDate(tags: MetadataTags, context: CaptureDateContext): CaptureDateDecision {
  const entries = toEntries(tags);
  const rejected: RejectedCandidate[] = [];
  const zone = context.defaultTimeZone ?? 'UTC';
  const uploadedAtMs = context.uploadedAt?.getTime();

  const accept = (tag: Tag, date: WallClock | undefined): WallClock | undefined => {
    if (!date) {
      rejected.push({ tag: tag.key, value: String(tag.value), reason: 'unparseable' });
      return undefined;
    }
    const reason = invalidReason(date, uploadedAtMs);
    if (reason) {
      rejected.push({ tag: tag.key, value: String(tag.value), reason });
      return undefined;
    }
    return date;
  };
  const fileOffset = findFileOffset(entries);
  const decide = (date: WallClock, tag: Tag | string, dateSource: DateSource, offsetFrom?: 'file' | 'default-time-zone') =>
    ({
      dated: true,
      captureDate: date,
      dateSource,
      tag: typeof tag === 'string' ? tag : tag.key,
      ...(offsetFrom ? { offsetFrom } : {}),
      rejected,
    }) as const;

  // Rule 1: DateTimeOriginal from EXIF/XMP, sub-seconds first. The offset is kept, the day is not moved.
  // (exiftool's Composite:DateTimeOriginal is built from IPTC/XMP-photoshop DateCreated: rule 5.)
  for (const tag of [
    ...pick(entries, ['SubSecDateTimeOriginal'], /^Composite$/i),
    ...pick(entries, ['DateTimeOriginal'], XMP_OR_EXIF_NOT_COMPOSITE),
  ]) {
    const date = accept(tag, withOffset(parseExifDate(tag.value), entries, ['OffsetTimeOriginal', 'OffsetTime']));
    if (date) return decide(date, tag, 'DateTimeOriginal');
  }
  // Rule 2: a QuickTime date that carries its own offset (Apple Keys:CreationDate).
  for (const tag of pick(entries, ['CreationDate', 'ContentCreateDate', 'DateTimeOriginal', 'CreateDate'], QUICKTIME_GROUP)) {
    const parsed = parseExifDate(tag.value);
    if (parsed?.offsetMinutes === undefined) continue;
    const date = accept(tag, parsed);
    if (date) return decide(date, tag, 'QuickTimeCreationDateWithOffset');
  }
  // Rule 3: CreateDate from EXIF/XMP (never QuickTime's, which is UTC).
  for (const tag of [
    ...pick(entries, ['SubSecCreateDate'], /^Composite$/i),
    ...pick(entries, ['CreateDate'], XMP_OR_EXIF_NOT_COMPOSITE),
  ]) {
    const date = accept(tag, withOffset(parseExifDate(tag.value), entries, ['OffsetTimeDigitized', 'OffsetTime']));
    if (date) return decide(date, tag, 'CreateDate');
  }
  // Rule 4: QuickTime dates, UTC by the QuickTime spec; shown in the file's offset or the default zone.
  for (const tag of pick(entries, ['CreateDate', 'MediaCreateDate', 'TrackCreateDate'], QUICKTIME_GROUP)) {
    const parsed = parseExifDate(tag.value);
    if (parsed?.offsetMinutes !== undefined) continue;
    // Validate the UTC value itself (1904-01-01 00:00 is the QuickTime zero), then convert.
    const utc = accept(tag, parsed);
    if (utc) return decide(utcToLocal(utc, fileOffset, zone), tag, 'QuickTimeUTC', fileOffset === undefined ? 'default-time-zone' : 'file');
  }
  // Rule 5: other capture dates, as local time.
  for (const tag of [
    ...pick(entries, ['DateCreated'], /^XMP(-.*)?$/i),
    ...pick(entries, ['DateTimeCreated'], /^Composite$/i),
    ...iptcDateCreated(entries),
    // exiftool composes this from a format's DateCreated + TimeCreated (IPTC, XMP-photoshop, RED...).
    ...pick(entries, ['DateTimeOriginal'], /^Composite$/i),
    ...pick(entries, ['CreationTime'], /^PNG.*$/i),
    ...pick(entries, ['DateTimeOriginal'], /^RIFF$/i),
    ...pick(entries, ['DateTimeCreated', 'DateTimeOriginal', 'CreationDate', 'ContentCreateDate'], /.*/).filter(
      (tag) => !EXIF_GROUP.test(tag.group),
    ),
  ]) {
    const date = accept(tag, parseExifDate(tag.value));
    if (date) return decide(date, tag, 'OtherCaptureDate');
  }
  // Rule 6: GPS time, UTC.
  for (const tag of [...pick(entries, ['GPSDateTime'], /.*/), ...gpsDateStamp(entries)]) {
    const parsed = parseExifDate(tag.value);
    const utc = accept(tag, parsed && { ...parsed, offsetMinutes: 0 });
    if (utc) return decide(utcToLocal(utc, fileOffset, zone), tag, 'GPSDateTime', fileOffset === undefined ? 'default-time-zone' : 'file');
  }
  // Rule 7: EXIF ModifyDate (IFD0), the weakest metadata date.
  for (const tag of [...pick(entries, ['SubSecModifyDate'], /^Composite$/i), ...pick(entries, ['ModifyDate'], /^(IFD0|EXIF)$/i)]) {
    const date = accept(tag, withOffset(parseExifDate(tag.value), entries, ['OffsetTime']));
    if (date) return decide(date, tag, 'ModifyDate');
  }
  // Rule 8: a date in the file name.
  const fromName = dateFromFileName(context.fileName);
  if (fromName && !invalidReason(fromName, uploadedAtMs)) return decide(fromName, 'file name', 'FileName');
  // Rule 9: undated, or the upload date if the user chose it. Never "now", never File tags.
  if (context.undated === 'upload-date' && context.uploadedAt) {
    const epochMs = context.uploadedAt.getTime();
    return decide(fromEpochMs(epochMs, zoneOffsetMinutes(zone, epochMs)), 'LastModified', 'UploadDate', 'default-time-zone');
  }
  return { dated: false, dateSource: 'Undated', rejected };
}

function toEntries(tags: MetadataTags): Tag[] {
  return Object.entries(tags).map(([key, value]) => {
    const separator = key.lastIndexOf(':');
    return separator < 0
      ? { key, group: '', name: key, value }
      : { key, group: key.slice(0, separator), name: key.slice(separator + 1), value };
  });
}

/** Tags named `names` (in that order) whose group matches; ungrouped tags match any group rule. */
function pick(entries: readonly Tag[], names: readonly string[], group: RegExp): Tag[] {
  return names.flatMap((name) =>
    entries.filter((entry) => entry.name === name && (entry.group === '' || group.test(entry.group))),
  );
}

function withOffset(date: WallClock | undefined, entries: readonly Tag[], offsetTags: readonly string[]): WallClock | undefined {
  if (!date || date.offsetMinutes !== undefined) return date;
  for (const tag of pick(entries, offsetTags, /.*/)) {
    const offset = parseOffset(tag.value);
    if (offset !== undefined) return { ...date, offsetMinutes: offset };
  }
  return date;
}

/** An offset stated anywhere in the file: OffsetTime*, TimeZone, or an offset on another date. */
function findFileOffset(entries: readonly Tag[]): number | undefined {
  for (const tag of pick(entries, ['OffsetTimeOriginal', 'OffsetTime', 'OffsetTimeDigitized', 'TimeZone'], /.*/)) {
    const offset = parseOffset(tag.value);
    if (offset !== undefined) return offset;
  }
  for (const tag of entries) {
    if (/GPS/i.test(tag.name)) continue;
    const offset = parseExifDate(tag.value)?.offsetMinutes;
    if (offset !== undefined && !(offset === 0 && /Z\s*$/i.test(String(tag.value)))) return offset;
  }
  return undefined;
}

function utcToLocal(utc: WallClock, fileOffset: number | undefined, zone: string): WallClock {
  const epochMs = toEpochMs(utc, 0);
  return fromEpochMs(epochMs, fileOffset ?? zoneOffsetMinutes(zone, epochMs), utc.subSecond);
}

function iptcDateCreated(entries: readonly Tag[]): Tag[] {
  const date = pick(entries, ['DateCreated'], /^IPTC$/i)[0];
  if (!date) return [];
  const time = pick(entries, ['TimeCreated'], /^IPTC$/i)[0];
  return [{ ...date, value: time ? `${String(date.value)} ${String(time.value)}` : date.value }];
}

function gpsDateStamp(entries: readonly Tag[]): Tag[] {
  const date = pick(entries, ['GPSDateStamp'], /.*/)[0];
  const time = pick(entries, ['GPSTimeStamp'], /.*/)[0];
  if (!date || !time) return [];
  return [{ ...date, key: `${date.key}+GPSTimeStamp`, value: `${String(date.value)} ${String(time.value)}` }];
}

function invalidReason(date: WallClock, uploadedAtMs: number | undefined): RejectedCandidate['reason'] | undefined {
  const { year, month, day, hour, minute, second } = date;
  const isMidnight = hour === 0 && minute === 0 && second === 0;
  // Epoch placeholders: QuickTime zero, Unix zero (any time of that day: zones shift it), DOS zero.
  if ((year === 1904 && month === 1 && day === 1) || (year === 1970 && month === 1 && day === 1)) return 'placeholder';
  if (year === 1980 && month === 1 && day === 1 && isMidnight) return 'placeholder';
  // A wall clock without offset is compared as if UTC: the one-day tolerance covers any zone.
  const epochMs = toEpochMs(date);
  if (epochMs < EARLIEST) return 'before-1800';
  if (uploadedAtMs !== undefined && epochMs > uploadedAtMs + FUTURE_TOLERANCE_MS) return 'in-the-future';
  return undefined;
}
