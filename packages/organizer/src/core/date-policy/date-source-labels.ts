import type { CaptureDateDecision, DateSource } from './capture-date.js';

type OffsetFrom = Extract<CaptureDateDecision, { dated: true }>['offsetFrom'];

/** Plain words for each `dateSource` (docs/date-policy.md, "What the user sees"). */
const LABELS: Readonly<Record<DateSource, string>> = {
  DateTimeOriginal: 'taken (EXIF)',
  DateCreatedBeforeScan: 'created (IPTC/XMP), older than the scan',
  QuickTimeCreationDateWithOffset: 'video, with its time zone',
  DateCreated: 'created (IPTC/XMP)',
  CreateDate: 'digitized (EXIF/XMP)',
  QuickTimeLocalClock: 'video, camera clock',
  QuickTimeUTC: 'video, UTC',
  MatroskaUTC: 'video, UTC',
  OtherCaptureDate: 'other capture date',
  GPSDateTime: 'GPS time (UTC)',
  ModifyDate: 'last modified',
  TakeoutJson: 'Google Takeout (photoTakenTime, UTC)',
  FileName: 'file name',
  UploadDate: 'upload date',
  Undated: 'no date found',
};

const ZONE_WORDS: Readonly<Record<NonNullable<OffsetFrom>, string>> = {
  file: 'zone from file',
  'file-name': 'zone from name',
  'default-time-zone': 'default zone',
};

/**
 * The words a photographer reads beside a `dateSource` (which stays the stable identifier in
 * metadata, logs and the corpus table). For UTC values, pass `offsetFrom` to say where the local
 * time came from.
 *
 * @example
 * dateSourceLabel('DateTimeOriginal'); // 'taken (EXIF)'
 * dateSourceLabel('QuickTimeUTC', 'file-name'); // 'video, UTC + zone from name'
 */
export function dateSourceLabel(dateSource: DateSource, offsetFrom?: OffsetFrom): string {
  const label = LABELS[dateSource] ?? dateSource;
  return offsetFrom && dateSource !== 'UploadDate' ? `${label} + ${ZONE_WORDS[offsetFrom]}` : label;
}
