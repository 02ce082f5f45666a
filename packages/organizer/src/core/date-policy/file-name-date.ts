import { fromEpochMs, isRealDate, repairTime, type WallClock } from './date-value.js';

/** How a file name's date reads (docs/date-policy.md rule 9). */
export interface FileNameDate {
  /** The date as the name says it: a local wall clock, or a UTC one (`offsetMinutes: 0`) when `clock` is `utc`. */
  readonly date: WallClock;
  /** `utc` for names known to hold UTC (Pixel `PXL_`, epoch milliseconds), else the photographer's `local` clock. */
  readonly clock: 'local' | 'utc';
  /** False for date-only names (`IMG-20190405-WA0001`): such a name implies no offset. */
  readonly hasTime: boolean;
  /** Which form matched, for logs: `pixel`, `epoch-ms`, `12-hour`, `signal`, `14-digit`, `date-time`, `date`. */
  readonly form: 'pixel' | 'epoch-ms' | '12-hour' | 'signal' | '14-digit' | 'date-time' | 'date';
  /** The part of the name that was read, e.g. `20230811_223047`. */
  readonly text: string;
}

type Form = FileNameDate['form'];

// Date-and-time patterns first (they say more), then date-only ones. Every pattern is anchored on
// non-digits so a serial number such as DSC_20190405123 is not read as a date.
const DATE_TIME_PATTERNS: readonly { form: Form; pattern: RegExp }[] = [
  // PXL_20230102_101112345: Pixel phones name files by the UTC time (v2).
  { form: 'pixel', pattern: /(?<![A-Za-z0-9])PXL_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})/ },
  // Screenshot 2023-03-14 at 9.07.41 PM (macOS puts U+202F before PM since Ventura), ... 12.00.01 AM
  {
    form: '12-hour',
    pattern: /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?: at|,)?[ _](\d{1,2})[.:_ ](\d{2})[.:_ ](\d{2})[\s\u00a0\u202f]?([AaPp])\.?[Mm]\.?(?![A-Za-z])/,
  },
  // signal-2021-03-04-123456, signal-2021-03-04-12-34-56-789
  { form: 'signal', pattern: /signal-(\d{4})-(\d{2})-(\d{2})-(\d{2})-?(\d{2})-?(\d{2})(?!\d)/i },
  // DJI_20230918071522_0031_D: 14 digits YYYYMMDDhhmmss
  { form: '14-digit', pattern: /(?<!\d)(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?!\d)/ },
  // IMG_20190405_123456, VID_20200101_000001, 20170101_010101
  { form: 'date-time', pattern: /(?<!\d)(\d{4})(\d{2})(\d{2})[_-](\d{2})(\d{2})(\d{2})/ },
  // 2018-04-12 19_24_49, telegram_2020-01-30_09-57-18, 2019-05-21T10.45.52
  { form: 'date-time', pattern: /(?<!\d)(\d{4})-(\d{2})-(\d{2})[ _T](\d{2})[-_.:](\d{2})[-_.:](\d{2})(?!\d)/ },
  // Screenshot 2019-05-21 at 10.45.52
  { form: 'date-time', pattern: /(?<!\d)(\d{4})-(\d{2})-(\d{2}) at (\d{1,2})\.(\d{2})\.(\d{2})(?!\d)/ },
];
// FB_IMG_1596022443000.jpg, mmexport1596022443000.jpg (WeChat), 1596022443000.jpg: Unix epoch
// milliseconds, a 13-digit run on its own or right after a known prefix.
const EPOCH_MS_PATTERN = /(?:^|[\s_.\-]|mmexport)(\d{13})(?=$|[\s_.\-()])/i;
const DATE_PATTERNS: readonly RegExp[] = [
  // IMG-20190405-WA0001 (messenger copies carry only the day)
  /(?<!\d)(\d{4})(\d{2})(\d{2})-WA\d+/i,
  // 2019-04-05, 2019_04_05
  /(?<!\d)(\d{4})[-_](\d{2})[-_](\d{2})(?!\d)/,
  // IMG_20190405, 20190405
  /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/,
];

/** Years a file name may plausibly carry; other 8-digit runs are serial numbers. */
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;
/** Epoch milliseconds before this are not read (the policy's window starts at 2000-01-01). */
const EPOCH_MS_FROM = Date.UTC(2000, 0, 1);

/**
 * Reads a capture date from a file name such as `IMG_20190405_123456.jpg` or
 * `Screenshot 2019-05-21 at 10.45.52.png`. Only the name is looked at, never the folder.
 * Returns the wall clock as the name states it (UTC for `PXL_` and epoch names: see
 * {@link readFileNameDate} for which).
 *
 * @example
 * dateFromFileName('IMG-20190405-WA0001.jpg'); // { year: 2019, month: 4, day: 5, hour: 0, ... }
 */
export function dateFromFileName(fileName: string): WallClock | undefined {
  return readFileNameDate(fileName)?.date;
}

/**
 * Reads a date from a file name and says how to read it: the photographer's local clock, or UTC
 * (Pixel `PXL_` names, epoch milliseconds), with or without a time of day. Epoch values are only
 * read from 2000-01-01 on; the caller also rejects those after the upload.
 *
 * @example
 * readFileNameDate('PXL_20230102_231112345.jpg');
 * // { date: { year: 2023, month: 1, day: 2, hour: 23, minute: 11, second: 12, offsetMinutes: 0 }, clock: 'utc', hasTime: true, form: 'pixel', text: 'PXL_20230102_231112' }
 * readFileNameDate('Screenshot 2023-03-14 at 9.07.41 PM.png')?.date.hour; // 21
 */
export function readFileNameDate(fileName: string): FileNameDate | undefined {
  for (const { form, pattern } of DATE_TIME_PATTERNS) {
    const match = pattern.exec(fileName);
    if (!match) continue;
    const parts = match.slice(1, 7).map(Number);
    if (form === '12-hour') {
      const hour = parts[3] ?? 0;
      // "13.07.41 PM" is no time at all: keep only the day.
      if (hour < 1 || hour > 12) break;
      // 12 AM is midnight, 12 PM is noon.
      parts[3] = (hour % 12) + (/^p/i.test(match[7] ?? '') ? 12 : 0);
    }
    const date = toWallClock(parts);
    if (!date) continue;
    const clock = form === 'pixel' ? 'utc' : 'local';
    return { date: clock === 'utc' ? { ...date, offsetMinutes: 0 } : date, clock, hasTime: true, form, text: match[0] };
  }
  const epoch = EPOCH_MS_PATTERN.exec(fileName);
  const epochMs = epoch ? Number(epoch[1]) : Number.NaN;
  if (epochMs >= EPOCH_MS_FROM && epochMs < Date.UTC(MAX_YEAR, 0, 1)) {
    return { date: fromEpochMs(epochMs, 0), clock: 'utc', hasTime: true, form: 'epoch-ms', text: epoch![1]! };
  }
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(fileName);
    const date = match && toWallClock([...match.slice(1, 4).map(Number), 0, 0, 0]);
    if (date) return { date, clock: 'local', hasTime: false, form: 'date', text: match[0] };
  }
  return undefined;
}

function toWallClock([year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0]: number[]): WallClock | undefined {
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined;
  // The same repairs as for metadata (hour 24, second 60), for names written by the same firmware.
  const date: WallClock = { year, month, day, ...repairTime(hour, minute, second) };
  return isRealDate(date) ? date : undefined;
}
