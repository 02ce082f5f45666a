import { isRealDate, type WallClock } from './date-value.js';

// Date-and-time patterns first (they say more), then date-only ones. Every pattern is anchored on
// non-digits so a serial number such as DSC_20190405123 is not read as a date.
const DATE_TIME_PATTERNS: readonly RegExp[] = [
  // IMG_20190405_123456, PXL_20230102_101112345, VID_20200101_000001, 20170101_010101
  /(?<!\d)(\d{4})(\d{2})(\d{2})[_-](\d{2})(\d{2})(\d{2})/,
  // 2018-04-12 19_24_49, telegram_2020-01-30_09-57-18, 2019-05-21T10.45.52
  /(?<!\d)(\d{4})-(\d{2})-(\d{2})[ _T](\d{2})[-_.:](\d{2})[-_.:](\d{2})(?!\d)/,
  // Screenshot 2019-05-21 at 10.45.52
  /(?<!\d)(\d{4})-(\d{2})-(\d{2}) at (\d{1,2})\.(\d{2})\.(\d{2})(?!\d)/,
];
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

/**
 * Reads a capture date from a file name such as `IMG_20190405_123456.jpg` or
 * `Screenshot 2019-05-21 at 10.45.52.png`. Only the name is looked at, never the folder.
 *
 * @example
 * dateFromFileName('IMG-20190405-WA0001.jpg'); // { year: 2019, month: 4, day: 5, hour: 0, ... }
 */
export function dateFromFileName(fileName: string): WallClock | undefined {
  for (const pattern of DATE_TIME_PATTERNS) {
    const match = pattern.exec(fileName);
    const date = match && toWallClock(match.slice(1, 7).map(Number));
    if (date) return date;
  }
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(fileName);
    const date = match && toWallClock([...match.slice(1, 4).map(Number), 0, 0, 0]);
    if (date) return date;
  }
  return undefined;
}

function toWallClock([year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0]: number[]): WallClock | undefined {
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined;
  const date: WallClock = { year, month, day, hour, minute, second };
  return isRealDate(date) ? date : undefined;
}
