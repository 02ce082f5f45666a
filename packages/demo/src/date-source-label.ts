/**
 * Plain words for the organizer's `dateSource` values (docs/date-policy.md), for a photographer
 * reading the demo's table: "camera: date taken" rather than `DateTimeOriginal`.
 *
 * A stand-in: the organizer is to export `dateSourceLabel(dateSource)` itself (issue 19); when it
 * does, replace the body of this one function with a call to it and delete the table.
 *
 * @example dateSourceLabel('QuickTimeUTC') // 'video: recording time (UTC)'
 */
export function dateSourceLabel(dateSource: string): string {
  return LABELS[dateSource] ?? dateSource;
}

const LABELS: Readonly<Record<string, string>> = {
  DateTimeOriginal: 'camera: date taken',
  QuickTimeCreationDateWithOffset: 'video: recorded (local time)',
  CreateDate: 'camera: date created',
  QuickTimeUTC: 'video: recording time (UTC)',
  OtherCaptureDate: 'another date in the file',
  GPSDateTime: 'GPS time stamp',
  ModifyDate: 'date last edited',
  TakeoutJson: 'Google Takeout: photo taken time',
  FileName: 'date in the file name',
  UploadDate: 'no date found: upload date',
  Undated: 'no date found',
};
