import type { CaptureDateDecision } from './date-policy/capture-date.js';
import { fromEpochMs, zoneOffsetMinutes } from './date-policy/date-value.js';
import type { TakeoutMetadata } from './companions.js';

/**
 * The tag named in decisions and logs for a Takeout date.
 * @example
 * if (decision.dated && decision.tag === TAKEOUT_TAG) console.log('dated by Google Takeout');
 */
export const TAKEOUT_TAG = 'photoTakenTime';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a decision came from the file's own metadata (rules 1 to 8 of docs/date-policy.md), as
 * opposed to its name, its upload date or nothing: only then does a Takeout JSON not matter.
 *
 * @example
 * isMetadataDate({ dated: false, dateSource: 'Undated', rejected: [] }); // false
 */
export function isMetadataDate(decision: CaptureDateDecision): boolean {
  return !['FileName', 'UploadDate', 'Undated'].includes(decision.dateSource);
}

/**
 * A media file's decision with its Takeout JSON taken into account: `photoTakenTime` (a UTC
 * instant) is used when the file has no metadata date (the policy's place: after rule 8,
 * before the file name), converted to the wall clock of `defaultTimeZone`. dateSource
 * `TakeoutJson`, tag `photoTakenTime`. An epoch zero (1970-01-01 in any zone), a time before
 * 1800 or more than a day after the upload is not used and is listed in `rejected`.
 *
 * @param takeout what the JSON says ({@link parseTakeoutJson}), or undefined when there is none
 * @example
 * withTakeoutDate({ dated: false, dateSource: 'Undated', rejected: [] }, { photoTakenTimeSeconds: 1625093400, title: 'a.jpg' }, { defaultTimeZone: 'Europe/Berlin' });
 * // { dated: true, dateSource: 'TakeoutJson', captureDate: 2021-07-01 00:50:00+02:00, offsetFrom: 'default-time-zone', ... }
 */
export function withTakeoutDate(
  decision: CaptureDateDecision,
  takeout: TakeoutMetadata | undefined,
  context: { readonly defaultTimeZone: string; readonly uploadedAt?: Date | undefined },
): CaptureDateDecision {
  if (!takeout || isMetadataDate(decision)) return decision;
  const epochMs = takeout.photoTakenTimeSeconds * 1000;
  const value = String(takeout.photoTakenTimeSeconds);
  const reason =
    epochMs >= -DAY_MS && epochMs < DAY_MS
      ? 'placeholder'
      : epochMs < Date.UTC(1800, 0, 1)
        ? 'before-1800'
        : context.uploadedAt && epochMs > context.uploadedAt.getTime() + DAY_MS
          ? 'in-the-future'
          : undefined;
  if (reason) return { ...decision, rejected: [...decision.rejected, { tag: TAKEOUT_TAG, value, reason }] };
  return {
    dated: true,
    captureDate: fromEpochMs(epochMs, zoneOffsetMinutes(context.defaultTimeZone, epochMs)),
    dateSource: 'TakeoutJson',
    tag: TAKEOUT_TAG,
    offsetFrom: 'default-time-zone',
    rejected: decision.rejected,
  };
}
