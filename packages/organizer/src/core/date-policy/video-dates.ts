import { toEpochMs, type WallClock } from './date-value.js';
import type { FileNameDate } from './file-name-date.js';

/**
 * Camera makers whose videos hold the camera's local clock in the QuickTime dates (`CreateDate`,
 * `MediaCreateDate`, `TrackCreateDate`) instead of UTC (docs/date-policy.md v2, rule 5). Matched
 * case-insensitively against the start of the file's `Make` (any group: `IFD0`, `Keys`,
 * `UserData`, a maker block such as `Nikon:Make`), or, when there is no `Make`, against the name
 * of a maker block that is present (`GoPro:Model`).
 *
 * Evidence, one entry each (exiftool's `QuickTimeUTC` documentation,
 * https://exiftool.org/ExifTool.html#QuickTimeUTC, says "many digital cameras store local time"
 * but names none):
 * - `NIKON`: a Nikon Z 30 MOV (`../shared/cases/date-policy-v2/03-DSC_0731-nikon-z30.MOV`,
 *   modelled on a public report) has QuickTime dates equal to its `Nikon:DateTimeOriginal`
 *   (local, `Nikon:TimeZone` +08:00); Piwigo/piwigo-videojs#98 finds "Create Date is always
 *   UTC except for the Nikon".
 * - `GoPro`: gopro/gpmf-parser `samples/max-heromode.mp4` has QuickTime `CreateDate`
 *   2019:11:18 15:45:32 while its GPS track says 23:45:14 UTC (camera clock at UTC-8); GoPro
 *   cameras have a clock but no time zone setting (pulsejet/memories#1256).
 *
 * `test/local-clock-evidence.test.ts` checks each file with the pinned exiftool.
 *
 * Left off for lack of evidence or against it: Canon (a Canon IXUS 220 HS MOV in
 * Piwigo/piwigo-videojs#98 holds UTC, 2 h behind its `Canon:DateTimeOriginal`; CR3 is UTC by
 * exiftool's documentation), Sony (jmathai/elodie#382: an a6000 writes UTC), Ricoh (a Theta Z1
 * in ricohapi/theta-api-specs#26 holds UTC), Panasonic, Fujifilm, Olympus/OM, Pentax.
 *
 * @example
 * decideCaptureDate(tags, { fileName, localClockMakers: [...DEFAULT_LOCAL_CLOCK_MAKERS, 'Panasonic'] });
 */
export const DEFAULT_LOCAL_CLOCK_MAKERS: readonly string[] = Object.freeze(['NIKON', 'GoPro']);

/**
 * True when a video's QuickTime dates are the camera's local clock: its maker is in `makers`.
 * Canon CR3 files always hold UTC (exiftool's QuickTimeUTC documentation), whatever the list says.
 *
 * @example
 * isLocalClockMaker({ make: 'NIKON CORPORATION', fileType: 'MOV' }, DEFAULT_LOCAL_CLOCK_MAKERS); // true
 */
export function isLocalClockMaker(video: { make: string | undefined; fileType: string | undefined }, makers: readonly string[]): boolean {
  if (!video.make || /^CR[3M]$/i.test(video.fileType ?? '')) return false;
  const make = video.make.trim().toLowerCase();
  return makers.some((maker) => maker.trim() !== '' && make.startsWith(maker.trim().toLowerCase()));
}

/** The name/UTC difference may be off by this much: the name is the recording's start, the date sometimes its end. */
const NAME_TOLERANCE_MS = 2 * 60_000;
const QUARTER_HOUR_MS = 15 * 60_000;
const MAX_OFFSET_MS = 14 * 60 * 60_000;

/**
 * The UTC offset (minutes) implied by a file name's local date-time for a UTC date of the same
 * file: their difference, when it is a whole number of quarter hours within ±14 h, give or take
 * 2 minutes (docs/date-policy.md v2, rule 5). Undefined for date-only names, names known to be
 * UTC (Pixel `PXL_`, epoch milliseconds) and differences that fit no zone.
 *
 * @example
 * // VID_20230811_223047.mp4 with QuickTime CreateDate 2023:08:12 02:31:15 (UTC): -240 (UTC-4)
 * offsetFromFileName({ year: 2023, month: 8, day: 12, hour: 2, minute: 31, second: 15 }, nameDate);
 */
export function offsetFromFileName(utc: WallClock, name: FileNameDate | undefined): number | undefined {
  if (!name || name.clock !== 'local' || !name.hasTime) return undefined;
  const difference = toEpochMs(name.date, 0) - toEpochMs(utc, 0);
  const quarters = Math.round(difference / QUARTER_HOUR_MS);
  const offset = quarters * QUARTER_HOUR_MS;
  if (Math.abs(offset) > MAX_OFFSET_MS || Math.abs(difference - offset) > NAME_TOLERANCE_MS) return undefined;
  return quarters * 15 || 0; // never -0
}
