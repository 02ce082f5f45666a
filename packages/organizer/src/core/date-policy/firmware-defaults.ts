import type { WallClock } from './date-value.js';

/**
 * Dates a camera or phone writes when its clock was never set: the firmware's start value
 * (docs/date-policy.md v2, "A date is invalid when"). A candidate whose wall clock equals one of
 * them to the second is invalid (reason `firmware-default`) and the next rule is tried.
 * Written `YYYY-MM-DD hh:mm:ss` (wall clock, no offset).
 *
 * @example
 * decideCaptureDate(tags, { fileName, firmwareDefaultDates: [...DEFAULT_FIRMWARE_DEFAULT_DATES, '2015-01-01 00:00:00'] });
 */
export const DEFAULT_FIRMWARE_DEFAULT_DATES: readonly string[] = Object.freeze([
  '2000-01-01 00:00:00',
  '2001-01-01 00:00:00',
  '2002-12-08 12:00:00',
  '2004-01-01 00:00:00',
  '2005-01-01 00:00:00',
  '2010-01-01 00:00:00',
  '2012-01-01 00:00:00',
  '2014-01-01 00:00:00',
]);

const FIRMWARE_DATE = /^(\d{4})[-:](\d{2})[-:](\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Turns the firmware-default setting into comparable keys (`YYYYMMDDhhmmss`).
 *
 * @throws TypeError naming `firmwareDefaultDates` and the value when an entry is not
 * `YYYY-MM-DD hh:mm:ss`.
 * @example
 * firmwareDefaultKeys(['2002-12-08 12:00:00']); // Set { '20021208120000' }
 */
export function firmwareDefaultKeys(dates: readonly string[]): ReadonlySet<string> {
  return new Set(
    dates.map((text) => {
      const match = FIRMWARE_DATE.exec(text.trim());
      if (!match) throw new TypeError(`firmwareDefaultDates: expected "YYYY-MM-DD hh:mm:ss", got ${JSON.stringify(text)}`);
      return match.slice(1, 7).join('');
    }),
  );
}

/** True when the wall clock (seconds ignored below 1 s, offset ignored) is one of the firmware defaults. */
export function isFirmwareDefault(date: WallClock, keys: ReadonlySet<string>): boolean {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return keys.has(`${pad(date.year, 4)}${pad(date.month)}${pad(date.day)}${pad(date.hour)}${pad(date.minute)}${pad(date.second)}`);
}
