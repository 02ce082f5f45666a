import { type DateSource, dateSourceLabel as organizerLabel } from '@photo-organizer/organizer';

/**
 * Plain words for the organizer's `dateSource` values (docs/date-policy.md), for a photographer
 * reading the demo's table: "taken (EXIF)" rather than `DateTimeOriginal`. The words are the
 * organizer's own (`dateSourceLabel`), so the demo, the CLI and the docs say the same thing.
 *
 * @example dateSourceLabel('QuickTimeUTC') // 'video, UTC'
 */
export function dateSourceLabel(dateSource: string): string {
  return organizerLabel(dateSource as DateSource);
}
