import {
  fromEpochMs,
  parseExifDate,
  parseOffset,
  toEpochMs,
  zoneOffsetMinutes,
  type WallClock,
} from './date-value.js';
import { readFileNameDate } from './file-name-date.js';
import { DEFAULT_FIRMWARE_DEFAULT_DATES, firmwareDefaultKeys, isFirmwareDefault } from './firmware-defaults.js';
import { DEFAULT_LOCAL_CLOCK_MAKERS, isLocalClockMaker, offsetFromFileName } from './video-dates.js';

/**
 * Which rule of docs/date-policy.md decided the date: a stable identifier kept in metadata, logs
 * and tables (`dateSourceLabel` gives the words a photographer reads).
 *
 * @example
 * const source: DateSource = decision.dateSource; // 'DateTimeOriginal'
 */
export type DateSource =
  | 'DateTimeOriginal'
  | 'DateCreatedBeforeScan'
  | 'QuickTimeCreationDateWithOffset'
  | 'DateCreated'
  | 'CreateDate'
  | 'QuickTimeLocalClock'
  | 'QuickTimeUTC'
  | 'MatroskaUTC'
  | 'OtherCaptureDate'
  | 'GPSDateTime'
  | 'ModifyDate'
  // Issue 18: a Google Takeout JSON's photoTakenTime, between rules 8 and 9 (core/takeout-date.ts).
  | 'TakeoutJson'
  | 'FileName'
  | 'UploadDate'
  | 'Undated';

/**
 * exiftool's tags as `-G1 -json` reports them: `Group:Name` to value.
 * @example
 * const tags: MetadataTags = { 'ExifIFD:DateTimeOriginal': '2019:05:26 14:03:11', 'IFD0:Make': 'Apple' };
 */
export type MetadataTags = Readonly<Record<string, unknown>>;

/**
 * What the date policy knows besides the tags: the name, the upload time, the settings.
 * @example
 * const context: CaptureDateContext = { fileName: 'IMG_0001.JPG', uploadedAt: new Date('2024-06-01T10:00:00Z'), defaultTimeZone: 'Europe/Berlin' };
 */
export interface CaptureDateContext {
  /** The object's file name (last path segment), for rule 9 and for offsets implied by the name (rule 5). */
  readonly fileName: string;
  /** When the object was uploaded (S3 LastModified): dates after it + 1 day are camera-clock errors. */
  readonly uploadedAt?: Date;
  /** IANA zone for UTC dates without an offset in the file. @default 'UTC' */
  readonly defaultTimeZone?: string;
  /** What to do when nothing is found. @default 'undated' */
  readonly undated?: 'undated' | 'upload-date';
  /**
   * Makers whose video QuickTime dates hold the camera's local clock, not UTC (rule 5), matched
   * against the start of `Make`, case-insensitively.
   * @default DEFAULT_LOCAL_CLOCK_MAKERS
   */
  readonly localClockMakers?: readonly string[];
  /**
   * Wall clocks (`YYYY-MM-DD hh:mm:ss`) written by clocks never set: such dates are invalid.
   * @default DEFAULT_FIRMWARE_DEFAULT_DATES
   */
  readonly firmwareDefaultDates?: readonly string[];
}

/**
 * Where the offset that turned a UTC date into the local wall clock came from.
 * @example
 * if (decision.dated && decision.offsetFrom === 'default-time-zone') console.warn('offset assumed from DEFAULT_TIME_ZONE');
 */
export type OffsetSource = 'file' | 'file-name' | 'default-time-zone';

/**
 * The policy's answer: a wall clock with the rule and tag that gave it, or undated; both list the
 * candidates rejected and why.
 * @example
 * const decision: CaptureDateDecision = decideCaptureDate(tags, { fileName: 'IMG_0001.JPG' });
 * if (decision.dated) console.log(decision.captureDate, decision.dateSource, decision.tag);
 */
export type CaptureDateDecision =
  | {
      readonly dated: true;
      /** The photographer's wall clock; `offsetMinutes` set when known. */
      readonly captureDate: WallClock;
      readonly dateSource: DateSource;
      /** The tag that decided, e.g. `ExifIFD:DateTimeOriginal`, or `file name`. */
      readonly tag: string;
      /** How a UTC date became local: the file's own offset, the file name's local time, or the configured zone. */
      readonly offsetFrom?: OffsetSource;
      /** Candidates skipped as invalid, with why: users ask "why not that date?". */
      readonly rejected: readonly RejectedCandidate[];
    }
  | { readonly dated: false; readonly dateSource: 'Undated'; readonly rejected: readonly RejectedCandidate[] };

/**
 * A date the policy saw and refused, with why ("why not that date?").
 * @example
 * const rejected: RejectedCandidate = { tag: 'ExifIFD:DateTimeOriginal', value: '0000:00:00 00:00:00', reason: 'placeholder' };
 */
export interface RejectedCandidate {
  readonly tag: string;
  readonly value: string;
  readonly reason: 'unparseable' | 'placeholder' | 'firmware-default' | 'before-1800' | 'in-the-future';
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
/** Groups of the QuickTime movie/track headers: integer dates, UTC by spec; any offset on them is exiftool's, not the file's. */
const QUICKTIME_HEADER_GROUP = /^(QuickTime|Track\d+|Movie|MovieHeader|TrackHeader|MediaHeader|Video|Audio)$/i;
const QUICKTIME_HEADER_DATES = ['CreateDate', 'MediaCreateDate', 'TrackCreateDate', 'ModifyDate', 'MediaModifyDate', 'TrackModifyDate'];
/** exiftool's -G1 group of a Matroska/WebM `DateUTC` (shown as `Info:DateTimeOriginal`, with `Z`). */
const MATROSKA_DATE_GROUP = /^(Info|Matroska)$/i;
/**
 * exiftool's -G1 groups of camera maker blocks inside videos (Nikon NCDT, Canon CNTH, Panasonic
 * PANA, FujiFilm MVTG, GoPro GPMF, ...: https://exiftool.org/TagNames/QuickTime.html#UserData).
 */
const VIDEO_MAKER_GROUP = /^(Nikon|Canon|Sony|Panasonic|FujiFilm|Olympus|Pentax|Ricoh|Samsung|Sanyo|Kodak|Minolta|Casio|GoPro|Leica|JVC|Sigma|DJI|Kandao|Insta360)$/i;
const ONE_DAY_MS = 24 * 60 * 60 * 1000;
const FUTURE_TOLERANCE_MS = ONE_DAY_MS;
const EARLIEST = Date.UTC(1800, 0, 1);

/**
 * Decides the capture date of a file from exiftool's tags (`exiftool -G1 -a` keys), following
 * docs/date-policy.md (v2): the first valid candidate in rule order wins; invalid ones are
 * skipped and reported in `rejected` with their reason.
 *
 * @throws TypeError when `firmwareDefaultDates` holds an entry that is not `YYYY-MM-DD hh:mm:ss`.
 * @example
 * decideCaptureDate({ 'ExifIFD:DateTimeOriginal': '2018:02:01 10:00:00' }, { fileName: 'a.jpg' });
 * // { dated: true, dateSource: 'DateTimeOriginal', captureDate: { year: 2018, month: 2, day: 1, ... } }
 */
export function decideCaptureDate(tags: MetadataTags, context: CaptureDateContext): CaptureDateDecision {
  const entries = toEntries(tags);
  const rejected: RejectedCandidate[] = [];
  const zone = context.defaultTimeZone ?? 'UTC';
  const uploadedAtMs = context.uploadedAt?.getTime();
  const firmwareDefaults = firmwareDefaultKeys(context.firmwareDefaultDates ?? DEFAULT_FIRMWARE_DEFAULT_DATES);
  const nameDate = readFileNameDate(context.fileName);
  const isVideo = isVideoFile(entries);

  const accept = (tag: Tag, date: WallClock | undefined): WallClock | undefined => {
    if (!date) {
      rejected.push({ tag: tag.key, value: String(tag.value), reason: 'unparseable' });
      return undefined;
    }
    const reason = invalidReason(date, uploadedAtMs, firmwareDefaults);
    if (reason) {
      rejected.push({ tag: tag.key, value: String(tag.value), reason });
      return undefined;
    }
    return date;
  };
  const fileOffset = findFileOffset(entries);
  const decide = (date: WallClock, tag: Tag | string, dateSource: DateSource, offsetFrom?: OffsetSource) =>
    ({
      dated: true,
      captureDate: date,
      dateSource,
      tag: typeof tag === 'string' ? tag : tag.key,
      ...(offsetFrom ? { offsetFrom } : {}),
      rejected,
    }) as const;
  /** A UTC value made local (rule 5): the file's offset, else the one the name's local time implies, else the default zone. */
  const fromUtc = (utc: WallClock, tag: Tag | string, dateSource: DateSource) => {
    const fromName = fileOffset === undefined ? offsetFromFileName(utc, nameDate) : undefined;
    const offsetFrom: OffsetSource = fileOffset !== undefined ? 'file' : fromName !== undefined ? 'file-name' : 'default-time-zone';
    return decide(utcToLocal(utc, fileOffset ?? fromName, zone), tag, dateSource, offsetFrom);
  };

  // Rule 1: DateTimeOriginal from EXIF/XMP, sub-seconds first, then from a camera maker's block
  // inside a video (Nikon:DateTimeOriginal in a MOV). The offset is kept, the day is not moved.
  // (exiftool's Composite:DateTimeOriginal is built from IPTC/XMP-photoshop DateCreated: rule 3.)
  for (const tag of [
    ...pick(entries, ['SubSecDateTimeOriginal'], /^Composite$/i),
    ...pick(entries, ['DateTimeOriginal'], XMP_OR_EXIF_NOT_COMPOSITE),
    ...(isVideo ? pick(entries, ['DateTimeOriginal'], VIDEO_MAKER_GROUP).filter((tag) => tag.group !== '') : []),
  ]) {
    // A maker block's own TimeZone (Nikon:TimeZone) belongs to its DateTimeOriginal.
    const makerZone = VIDEO_MAKER_GROUP.test(tag.group) ? entries.filter((entry) => entry.group === tag.group && entry.name === 'TimeZone') : [];
    const date = accept(tag, withOffset(withOffset(parseExifDate(tag.value), makerZone, ['TimeZone']), entries, ['OffsetTimeOriginal', 'OffsetTime']));
    if (!date) continue;
    // v2, scans: an IPTC/XMP-photoshop DateCreated more than a day earlier is the picture's own date.
    const older = scanDateCreated(entries, date, uploadedAtMs, firmwareDefaults);
    if (older) return decide(older.date, older.tag, 'DateCreatedBeforeScan');
    return decide(date, tag, 'DateTimeOriginal');
  }
  // Rule 2: a QuickTime date that carries its own offset (Apple Keys:CreationDate). The movie and
  // track header dates are integers without offset: an offset there is exiftool's (CR3), rule 5.
  for (const tag of pick(entries, ['CreationDate', 'ContentCreateDate', 'DateTimeOriginal', 'CreateDate'], QUICKTIME_GROUP)) {
    if (isQuickTimeHeaderDate(tag)) continue;
    const parsed = parseExifDate(tag.value);
    if (parsed?.offsetMinutes === undefined) continue;
    const date = accept(tag, parsed);
    if (date) return decide(date, tag, 'QuickTimeCreationDateWithOffset');
  }
  // Rule 3 (v2, was 5): IPTC/XMP DateCreated, the date the content was created, as local time.
  for (const tag of dateCreatedTags(entries)) {
    const date = accept(tag, parseExifDate(tag.value));
    if (date) return decide(date, tag, 'DateCreated');
  }
  // Rule 4: CreateDate from EXIF/XMP (never QuickTime's, which is UTC).
  for (const tag of [
    ...pick(entries, ['SubSecCreateDate'], /^Composite$/i),
    ...pick(entries, ['CreateDate'], XMP_OR_EXIF_NOT_COMPOSITE),
  ]) {
    const date = accept(tag, withOffset(parseExifDate(tag.value), entries, ['OffsetTimeDigitized', 'OffsetTime']));
    if (date) return decide(date, tag, 'CreateDate');
  }
  // Rule 5: video container dates. QuickTime's are UTC by spec, but cameras of the local-clock
  // makers write their own clock there (v2); Matroska/WebM DateUTC is UTC.
  const localClock = isLocalClockMaker(
    { make: findMake(entries), fileType: textValue(pick(entries, ['FileType'], /.*/)[0]?.value) },
    context.localClockMakers ?? DEFAULT_LOCAL_CLOCK_MAKERS,
  );
  for (const tag of pick(entries, ['CreateDate', 'MediaCreateDate', 'TrackCreateDate'], QUICKTIME_GROUP)) {
    const parsed = parseExifDate(tag.value);
    if (parsed?.offsetMinutes !== undefined && !isQuickTimeHeaderDate(tag)) continue; // rule 2 had it
    // Validate the value as written (1904-01-01 00:00 is the QuickTime zero), then convert.
    const written = accept(tag, parsed);
    if (!written) continue;
    if (localClock && written.offsetMinutes === undefined) {
      return decide(fileOffset === undefined ? written : { ...written, offsetMinutes: fileOffset }, tag, 'QuickTimeLocalClock');
    }
    // exiftool shows CR3 header dates converted to its own machine's zone: back to UTC first.
    const utc = written.offsetMinutes === undefined ? written : fromEpochMs(toEpochMs(written), 0, written.subSecond);
    return fromUtc(utc, tag, 'QuickTimeUTC');
  }
  for (const tag of pick(entries, ['DateTimeOriginal'], MATROSKA_DATE_GROUP).filter((tag) => tag.group !== '')) {
    const parsed = parseExifDate(tag.value);
    const utc = accept(tag, parsed && fromEpochMs(toEpochMs(parsed, parsed.offsetMinutes ?? 0), 0, parsed.subSecond));
    if (utc) return fromUtc(utc, tag, 'MatroskaUTC');
  }
  // Rule 6: other capture dates, as local time.
  for (const tag of [
    // exiftool composes this from a format's DateCreated + TimeCreated (IPTC, XMP-photoshop, RED...).
    ...pick(entries, ['DateTimeOriginal'], /^Composite$/i),
    ...pick(entries, ['CreationTime'], /^PNG.*$/i),
    ...pick(entries, ['DateTimeOriginal'], /^RIFF$/i),
    ...pick(entries, ['DateTimeCreated', 'DateTimeOriginal', 'CreationDate', 'ContentCreateDate'], /.*/).filter(
      (tag) => !EXIF_GROUP.test(tag.group) && !MATROSKA_DATE_GROUP.test(tag.group) && !(isVideo && VIDEO_MAKER_GROUP.test(tag.group)),
    ),
  ]) {
    const date = accept(tag, parseExifDate(tag.value));
    if (date) return decide(date, tag, 'OtherCaptureDate');
  }
  // Rule 7: GPS time, UTC.
  for (const tag of [...pick(entries, ['GPSDateTime'], /.*/), ...gpsDateStamp(entries)]) {
    const parsed = parseExifDate(tag.value);
    const utc = accept(tag, parsed && { ...parsed, offsetMinutes: 0 });
    if (utc) return fromUtc(utc, tag, 'GPSDateTime');
  }
  // Rule 8: modification dates, the weakest metadata: EXIF (IFD0), then (v2) XMP xmp:ModifyDate,
  // tiff:DateTime, PNG tIME.
  for (const tag of [
    ...pick(entries, ['SubSecModifyDate'], /^Composite$/i),
    ...pick(entries, ['ModifyDate'], /^(IFD0|EXIF)$/i),
    ...pick(entries, ['ModifyDate'], /^XMP-xmp$/i),
    ...pick(entries, ['DateTime'], /^XMP-tiff$/i),
    ...pick(entries, ['ModifyDate'], /^PNG(-tIME)?$/i),
  ]) {
    const date = accept(tag, withOffset(parseExifDate(tag.value), entries, ['OffsetTime']));
    if (date) return decide(date, tag, 'ModifyDate');
  }
  // Rule 9: a date in the file name; Pixel and epoch names are UTC.
  const fromName = nameDate && accept({ key: 'file name', group: '', name: 'file name', value: nameDate.text }, nameDate.date);
  if (fromName && !(nameDate.form === 'epoch-ms' && uploadedAtMs !== undefined && toEpochMs(fromName) > uploadedAtMs)) {
    return nameDate.clock === 'utc' ? fromUtc(fromName, 'file name', 'FileName') : decide(fromName, 'file name', 'FileName');
  }
  if (fromName) rejected.push({ tag: 'file name', value: nameDate.text, reason: 'in-the-future' });
  // Rule 10: undated, or the upload date if the user chose it. Never "now", never File tags.
  if (context.undated === 'upload-date' && context.uploadedAt) {
    const epochMs = context.uploadedAt.getTime();
    return decide(fromEpochMs(epochMs, zoneOffsetMinutes(zone, epochMs)), 'LastModified', 'UploadDate', 'default-time-zone');
  }
  return { dated: false, dateSource: 'Undated', rejected };
}

/** A video by exiftool's MIME type, or by its QuickTime movie header when the type is missing. */
function isVideoFile(entries: readonly Tag[]): boolean {
  const mime = textValue(pick(entries, ['MIMEType'], /.*/)[0]?.value);
  if (mime) return mime.startsWith('video/');
  return entries.some((tag) => isQuickTimeHeaderDate(tag));
}

function isQuickTimeHeaderDate(tag: Tag): boolean {
  return QUICKTIME_HEADER_DATES.includes(tag.name) && QUICKTIME_HEADER_GROUP.test(tag.group);
}

/** The camera maker: the first `Make` of any group, else the name of a maker block that is present (GoPro). */
function findMake(entries: readonly Tag[]): string | undefined {
  const make = pick(entries, ['Make'], /.*/).map((tag) => textValue(tag.value)).find((value) => value && value.trim() !== '');
  return make ?? entries.find((tag) => VIDEO_MAKER_GROUP.test(tag.group))?.group;
}

function hasTimeOfDay(value: unknown): boolean {
  return typeof value === 'string' && /\d[ T]\d{1,2}:\d{2}/.test(value);
}

function textValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Rule 3's tags in the policy's order: IPTC DateCreated (+TimeCreated), XMP photoshop:DateCreated, IPTC Core/Ext. */
function dateCreatedTags(entries: readonly Tag[]): Tag[] {
  return [
    ...pick(entries, ['DateTimeCreated'], /^Composite$/i),
    ...iptcDateCreated(entries),
    ...pick(entries, ['DateCreated'], /^XMP-photoshop$/i),
    ...pick(entries, ['DateCreated'], /^XMP-iptc(Core|Ext)$/i),
    ...pick(entries, ['DateCreated'], /^XMP(-.*)?$/i).filter((tag) => !/^XMP-(photoshop|iptcCore|iptcExt)$/i.test(tag.group)),
  ];
}

/**
 * v2 scans: the first valid IPTC DateCreated or XMP photoshop:DateCreated that is more than one day
 * earlier than `taken` (wall clocks compared as written). Later or equal ones change nothing.
 */
function scanDateCreated(
  entries: readonly Tag[],
  taken: WallClock,
  uploadedAtMs: number | undefined,
  firmwareDefaults: ReadonlySet<string>,
): { date: WallClock; tag: Tag } | undefined {
  for (const tag of [...pick(entries, ['DateTimeCreated'], /^Composite$/i), ...iptcDateCreated(entries), ...pick(entries, ['DateCreated'], /^XMP-photoshop$/i)]) {
    const date = parseExifDate(tag.value);
    if (!date || invalidReason(date, uploadedAtMs, firmwareDefaults)) continue;
    // A date without a time of day stands for the whole day: measure from its last second.
    const latest = toEpochMs(date, 0) + (hasTimeOfDay(tag.value) ? 0 : ONE_DAY_MS - 1000);
    if (toEpochMs(taken, 0) - latest > ONE_DAY_MS) return { date, tag };
  }
  return undefined;
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
    // GPS times are UTC by definition; QuickTime header dates carry exiftool's offset, not the file's.
    if (/GPS/i.test(tag.name) || isQuickTimeHeaderDate(tag)) continue;
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

function invalidReason(
  date: WallClock,
  uploadedAtMs: number | undefined,
  firmwareDefaults: ReadonlySet<string>,
): RejectedCandidate['reason'] | undefined {
  const { year, month, day, hour, minute, second } = date;
  const isMidnight = hour === 0 && minute === 0 && second === 0;
  // Epoch placeholders: QuickTime zero, Unix zero (any time of that day: zones shift it), DOS zero.
  if ((year === 1904 && month === 1 && day === 1) || (year === 1970 && month === 1 && day === 1)) return 'placeholder';
  if (year === 1980 && month === 1 && day === 1 && isMidnight) return 'placeholder';
  // v2: the start value of a clock never set (2002-12-08 12:00:00 ...).
  if (isFirmwareDefault(date, firmwareDefaults)) return 'firmware-default';
  // A wall clock without offset is compared as if UTC: the one-day tolerance covers any zone.
  const epochMs = toEpochMs(date);
  if (epochMs < EARLIEST) return 'before-1800';
  if (uploadedAtMs !== undefined && epochMs > uploadedAtMs + FUTURE_TOLERANCE_MS) return 'in-the-future';
  return undefined;
}
