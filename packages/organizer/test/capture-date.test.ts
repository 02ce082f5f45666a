import { describe, expect, it } from 'vitest';
import { decideCaptureDate } from '../src/core/date-policy/capture-date.js';
import { formatWallClock } from '../src/core/date-policy/date-value.js';

// Expected values are worked out by hand from docs/date-policy.md, one rule per case.
const uploadedAt = new Date('2024-06-01T12:00:00Z');
const decide = (tags: Record<string, string>, extra: Partial<Parameters<typeof decideCaptureDate>[1]> = {}) =>
  decideCaptureDate(tags, { fileName: 'photo.jpg', uploadedAt, ...extra });
const summary = (decision: ReturnType<typeof decideCaptureDate>) =>
  decision.dated ? `${decision.dateSource} ${formatWallClock(decision.captureDate)}` : decision.dateSource;

describe('decideCaptureDate', () => {
  it('rule 1: DateTimeOriginal wins over every other date and keeps its offset without moving the day', () => {
    const decision = decide({
      'ExifIFD:DateTimeOriginal': '2019:07:15 00:45:10',
      'ExifIFD:OffsetTimeOriginal': '+02:00',
      'ExifIFD:CreateDate': '2019:07:16 10:00:00',
      'IFD0:ModifyDate': '2020:01:01 00:00:00',
    });
    expect(summary(decision)).toBe('DateTimeOriginal 2019-07-15T00:45:10+02:00');
  });

  it('rule 1: SubSecDateTimeOriginal comes before DateTimeOriginal', () => {
    const decision = decide({ 'Composite:SubSecDateTimeOriginal': '2019:07:15 10:00:00.25-05:00', 'ExifIFD:DateTimeOriginal': '2019:07:15 10:00:00' });
    expect(summary(decision)).toBe('DateTimeOriginal 2019-07-15T10:00:00.25-05:00');
  });

  it("rule 1 is EXIF/XMP/maker block: exiftool's Composite:DateTimeOriginal (from IPTC/XMP-photoshop DateCreated) is not", () => {
    // From the corpus (iptc-staff-photographer-example.jpg): v2 ranks DateCreated (rule 3) above CreateDate (rule 4).
    const decision = decide({
      'Composite:DateTimeOriginal': '2007:04:19 12:00:00',
      'XMP-photoshop:DateCreated': '2007:04:19 12:00:00',
      'XMP-xmp:CreateDate': '2005:02:01 00:30:44-06:00',
    });
    expect(summary(decision)).toBe('DateCreated 2007-04-19T12:00:00');
    expect(decision.dated && decision.tag).toBe('XMP-photoshop:DateCreated');
    expect(summary(decide({ 'Composite:DateTimeOriginal': '2016:01:18 21:35:55', 'Red:DateCreated': '2016:01:18' }))).toBe(
      'OtherCaptureDate 2016-01-18T21:35:55',
    );
  });

  it('rule 2: an Apple CreationDate with offset gives the wall clock, even when UTC is another day', () => {
    const decision = decide({ 'Keys:CreationDate': '2019:05:26 01:33:20+03:00', 'QuickTime:CreateDate': '2019:05:25 22:33:20' }, { fileName: 'clip.mov' });
    expect(summary(decision)).toBe('QuickTimeCreationDateWithOffset 2019-05-26T01:33:20+03:00');
  });

  it('rule 4: EXIF CreateDate before QuickTime dates and GPS', () => {
    expect(summary(decide({ 'ExifIFD:CreateDate': '2014:02:14 18:00:00', 'Composite:GPSDateTime': '2014:02:15 02:00:00Z' }))).toBe(
      'CreateDate 2014-02-14T18:00:00',
    );
  });

  it('rule 5: QuickTime CreateDate is UTC, converted with the default time zone', () => {
    const tags = { 'QuickTime:CreateDate': '2021:06:30 23:30:00' };
    expect(summary(decide(tags, { fileName: 'v.mp4' }))).toBe('QuickTimeUTC 2021-06-30T23:30:00+00:00');
    expect(summary(decide(tags, { fileName: 'v.mp4', defaultTimeZone: 'Europe/Berlin' }))).toBe('QuickTimeUTC 2021-07-01T01:30:00+02:00');
    expect(summary(decide(tags, { fileName: 'v.mp4', defaultTimeZone: 'America/Los_Angeles' }))).toBe('QuickTimeUTC 2021-06-30T16:30:00-07:00');
  });

  it('rule 5: an offset found in the file beats the default time zone', () => {
    const decision = decide({ 'QuickTime:CreateDate': '2021:06:30 23:30:00', 'ExifIFD:OffsetTime': '+09:00' }, { defaultTimeZone: 'Europe/Berlin' });
    expect(summary(decision)).toBe('QuickTimeUTC 2021-07-01T08:30:00+09:00');
    expect(decision.dated && decision.offsetFrom).toBe('file');
  });

  it('rule 5: MediaCreateDate when CreateDate is the QuickTime zero', () => {
    const decision = decide({ 'QuickTime:CreateDate': '1904:01:01 00:00:00', 'Track1:MediaCreateDate': '2015:12:12 08:59:26' });
    expect(summary(decision)).toBe('QuickTimeUTC 2015-12-12T08:59:26+00:00');
    expect(decision.rejected).toEqual([{ tag: 'QuickTime:CreateDate', value: '1904:01:01 00:00:00', reason: 'placeholder' }]);
  });

  it('rule 6: PNG CreationTime; rule 3: IPTC DateCreated + TimeCreated', () => {
    expect(summary(decide({ 'PNG:CreationTime': '2017:03:04 05:06:07' }))).toBe('OtherCaptureDate 2017-03-04T05:06:07');
    expect(summary(decide({ 'IPTC:DateCreated': '2012:01:02', 'IPTC:TimeCreated': '03:04:05+01:00' }))).toBe('DateCreated 2012-01-02T03:04:05+01:00');
  });

  it('rule 7: GPSDateTime is UTC', () => {
    expect(summary(decide({ 'Composite:GPSDateTime': '2020:02:29 23:10:05Z' }, { defaultTimeZone: 'Asia/Tokyo' }))).toBe(
      'GPSDateTime 2020-03-01T08:10:05+09:00',
    );
  });

  it('rule 8: ModifyDate when nothing better is valid', () => {
    const decision = decide({ 'ExifIFD:DateTimeOriginal': '0000:00:00 00:00:00', 'IFD0:ModifyDate': '2015:10:20 09:08:07' });
    expect(summary(decision)).toBe('ModifyDate 2015-10-20T09:08:07');
    expect(decision.rejected[0]?.reason).toBe('unparseable');
  });

  it('rule 9: a date in the file name', () => {
    expect(summary(decide({}, { fileName: 'IMG-20190405-WA0001.jpg' }))).toBe('FileName 2019-04-05T00:00:00');
    expect(summary(decide({}, { fileName: 'Screenshot 2019-05-21 at 10.45.52.png' }))).toBe('FileName 2019-05-21T10:45:52');
  });

  it('rule 10: undated, or the upload date in the default zone when asked', () => {
    expect(summary(decide({}, { fileName: 'a.jpg' }))).toBe('Undated');
    expect(summary(decide({}, { fileName: 'a.jpg', undated: 'upload-date', defaultTimeZone: 'Asia/Tokyo' }))).toBe(
      'UploadDate 2024-06-01T21:00:00+09:00',
    );
  });

  it('skips placeholders, dates before 1800 and dates after the upload', () => {
    const decision = decide({
      'ExifIFD:DateTimeOriginal': '1970:01:01 00:00:00',
      'ExifIFD:CreateDate': '1980:01:01 00:00:00',
      'XMP-photoshop:DateCreated': '1750:01:01 00:00:00',
      'IFD0:ModifyDate': '2030:01:01 00:00:00',
    });
    expect(summary(decision)).toBe('Undated');
    // v2 order: DateTimeOriginal, DateCreated (rule 3), CreateDate, ModifyDate.
    expect(decision.rejected.map((item) => item.reason)).toEqual(['placeholder', 'before-1800', 'placeholder', 'in-the-future']);
  });

  it('never uses File tags: they describe the pipe when reading a stream', () => {
    expect(summary(decide({ 'System:FileModifyDate': '2024:06:01 12:00:00+00:00', 'File:FileType': 'JPEG' }))).toBe('Undated');
  });

  it('accepts a camera clock up to one day ahead of the upload, not more', () => {
    expect(summary(decide({ 'ExifIFD:DateTimeOriginal': '2024:06:02 11:00:00' }))).toBe('DateTimeOriginal 2024-06-02T11:00:00');
    expect(summary(decide({ 'ExifIFD:DateTimeOriginal': '2024:06:02 13:00:01' }))).toBe('Undated');
  });
});
