/**
 * The exiftool tags the date policy reads (docs/date-policy.md). Add a tag here when a rule in
 * `capture-date.ts` starts reading it, or exiftool will never be asked for it. Composite tags
 * (`SubSec*`, `GPSDateTime`, `DateTimeCreated`) make exiftool read their parts. Names match every
 * group (`-a -G1`): `DateTimeOriginal` also brings maker blocks in videos (`Nikon:DateTimeOriginal`)
 * and Matroska `DateUTC` (`Info:DateTimeOriginal`); `ModifyDate` brings XMP `xmp:ModifyDate` and
 * PNG `tIME`.
 * @example
 * DATE_POLICY_TAGS.includes('DateTimeOriginal'); // true
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
  // XMP tiff:DateTime (rule 8 of the date policy, v2).
  'DateTime',
  // Sony's XML (NonRealTimeMeta) CreationDate with its offset: an offset found in the file (rule 5).
  'CreationDateValue',
  'OffsetTime',
  'OffsetTimeOriginal',
  'OffsetTimeDigitized',
  'TimeZone',
  'TimeZoneOffset',
]);
