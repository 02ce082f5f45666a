/**
 * A wall-clock date-time as a camera wrote it: no time zone arithmetic unless asked for.
 * `offsetMinutes` is the UTC offset when the file says it, else undefined.
 */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Fraction of a second as written (digits after the dot), e.g. "123". */
  readonly subSecond?: string;
  readonly offsetMinutes?: number;
}

// exiftool's raw form: "2019:05:26 10:33:20.123+03:00", also "2019-05-26T10:33:20Z", "2019:05:26".
const DATE_PATTERN =
  /^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*(?:DST)?\s*$/i;

/** Parses an exiftool date string. Returns undefined for anything that is not a complete date. */
export function parseExifDate(value: unknown): WallClock | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_PATTERN.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', subSecond, offset] = match;
  const wallClock: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    ...repairTime(Number(hour), Number(minute), Number(second)),
    ...(subSecond ? { subSecond } : {}),
    ...(offset ? { offsetMinutes: parseOffset(offset) } : {}),
  };
  return isRealDate(wallClock) ? wallClock : undefined;
}

/**
 * Repairs before judging (docs/date-policy.md, v2): hour 24 is read as 00 of the same day (a
 * firmware bug that formats midnight as 24, e.g. LG Nexus 4), second 60 as 59 (a leap second or
 * a rounding bug; 59 keeps the day and the minute).
 */
export function repairTime(hour: number, minute: number, second: number): { hour: number; minute: number; second: number } {
  return { hour: hour === 24 ? 0 : hour, minute, second: second === 60 ? 59 : second };
}

/** Parses "+03:00", "-0530", "Z" into minutes east of UTC. */
export function parseOffset(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^z$/i.test(text)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  if (minutes > 14 * 60) return undefined;
  return match[1] === '-' ? -minutes : minutes;
}

/** Rejects zero and out-of-range parts (month 00, day 32, Feb 30, hour 25...). */
export function isRealDate(date: WallClock): boolean {
  const { year, month, day, hour, minute, second } = date;
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** The instant a wall clock with a known offset denotes, in epoch milliseconds. */
export function toEpochMs(date: WallClock, offsetMinutes = date.offsetMinutes ?? 0): number {
  return Date.UTC(date.year, date.month - 1, date.day, date.hour, date.minute, Math.min(date.second, 59)) - offsetMinutes * 60_000;
}

/** The wall clock at `epochMs` in a fixed offset. */
export function fromEpochMs(epochMs: number, offsetMinutes: number, subSecond?: string): WallClock {
  const shifted = new Date(epochMs + offsetMinutes * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    ...(subSecond ? { subSecond } : {}),
    offsetMinutes,
  };
}

/** The UTC offset of an IANA time zone at an instant, in minutes (e.g. Europe/Berlin in July: 120). */
export function zoneOffsetMinutes(timeZone: string, epochMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/** True when `timeZone` is an IANA zone name (or UTC) this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** "+03:00" / "-05:30" / "+00:00". */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** ISO 8601 local date-time, with the offset when known: "2019-05-26T10:33:20.123+03:00". */
export function formatWallClock(date: WallClock): string {
  const base = `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}T${pad(date.hour)}:${pad(date.minute)}:${pad(date.second)}`;
  const fraction = date.subSecond ? `.${date.subSecond}` : '';
  const offset = date.offsetMinutes === undefined ? '' : formatOffset(date.offsetMinutes);
  return `${base}${fraction}${offset}`;
}
