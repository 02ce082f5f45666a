/**
 * The exiftool tags the date policy reads (docs/date-policy.md). Add a tag here when a rule in
 * `capture-date.ts` starts reading it, or exiftool will never be asked for it. Composite tags
 * (`SubSec*`, `GPSDateTime`, `DateTimeCreated`) make exiftool read their parts.
 */
export const DATE_POLICY_TAGS: readonly string[] = Object.freeze([
  'SubSecDateTimeOriginal',
  'DateTimeOriginal',
  'SubSecCreateDate',
  'CreateDate',
  'CreationDate',
  'MediaCreateDate',
  'TrackCreateDate',
  'DateTimeCreated',
  'DateCreated',
  'TimeCreated',
  'DigitalCreationDate',
  'DigitalCreationTime',
  'CreationTime',
  'GPSDateTime',
  'GPSDateStamp',
  'GPSTimeStamp',
  'ModifyDate',
  'OffsetTime',
  'OffsetTimeOriginal',
  'OffsetTimeDigitized',
  'TimeZone',
  'TimeZoneOffset',
]);
