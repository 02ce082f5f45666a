import { describe, expect, it } from 'vitest';
import { decideCaptureDate } from '../src/core/date-policy/capture-date.js';
import { dateSourceLabel } from '../src/core/date-policy/date-source-labels.js';
import { formatWallClock } from '../src/core/date-policy/date-value.js';
import { DEFAULT_FIRMWARE_DEFAULT_DATES } from '../src/core/date-policy/firmware-defaults.js';
import { DEFAULT_LOCAL_CLOCK_MAKERS } from '../src/core/date-policy/video-dates.js';

// The edges of each rule that v2 of docs/date-policy.md adds. Expected values are worked out by
// hand from the policy text (zone arithmetic written out in the comments).
const uploadedAt = new Date('2025-01-01T00:00:00Z');
const decide = (tags: Record<string, string>, extra: Partial<Parameters<typeof decideCaptureDate>[1]> = {}) =>
  decideCaptureDate(tags, { fileName: 'clip.mp4', uploadedAt, ...extra });
const summary = (decision: ReturnType<typeof decideCaptureDate>) =>
  decision.dated ? `${decision.dateSource} ${formatWallClock(decision.captureDate)}${decision.offsetFrom ? ` (${decision.offsetFrom})` : ''}` : decision.dateSource;
const video = (createDate: string, more: Record<string, string> = {}) => ({ 'File:MIMEType': 'video/mp4', 'QuickTime:CreateDate': createDate, ...more });

describe('v2 rule 1: maker blocks in videos, and scans', () => {
  it('takes DateTimeOriginal from a camera maker block inside a video, with the block time zone', () => {
    const tags = video('2024:09:28 20:31:07', { 'File:MIMEType': 'video/quicktime', 'Nikon:DateTimeOriginal': '2024:09:28 20:31:06', 'Nikon:TimeZone': '+08:00' });
    expect(summary(decide(tags, { fileName: 'DSC_0731.MOV' }))).toBe('DateTimeOriginal 2024-09-28T20:31:06+08:00');
    expect(summary(decide({ ...video('2021:05:01 10:00:00'), 'Canon:DateTimeOriginal': '2021:05:01 12:00:00' }))).toBe('DateTimeOriginal 2021-05-01T12:00:00');
  });

  it('a maker note date in a still image stays an other capture date (rule 6)', () => {
    expect(summary(decide({ 'File:MIMEType': 'image/jpeg', 'Casio:DateTimeOriginal': '2005:01:02 03:04:05' }, { fileName: 'a.jpg' }))).toBe(
      'OtherCaptureDate 2005-01-02T03:04:05',
    );
  });

  it('an IPTC/XMP DateCreated more than one day earlier wins over DateTimeOriginal (a scan)', () => {
    const scan = { 'ExifIFD:DateTimeOriginal': '2021:02:03 10:00:00', 'XMP-photoshop:DateCreated': '1987:07:14' };
    expect(summary(decide(scan, { fileName: 'scan.jpg' }))).toBe('DateCreatedBeforeScan 1987-07-14T00:00:00');
    const iptc = { 'ExifIFD:DateTimeOriginal': '2021:02:03 10:00:00', 'IPTC:DateCreated': '2021:02:02', 'IPTC:TimeCreated': '09:59:59' };
    expect(summary(decide(iptc, { fileName: 'scan.jpg' }))).toBe('DateCreatedBeforeScan 2021-02-02T09:59:59');
  });

  it('a DateCreated later, equal, or at most one day earlier changes nothing', () => {
    const later = { 'ExifIFD:DateTimeOriginal': '2021:02:03 10:00:00', 'XMP-photoshop:DateCreated': '2021:03:01 00:00:00' };
    expect(summary(decide(later, { fileName: 'a.jpg' }))).toBe('DateTimeOriginal 2021-02-03T10:00:00');
    const oneDay = { 'ExifIFD:DateTimeOriginal': '2021:02:03 10:00:00', 'XMP-photoshop:DateCreated': '2021:02:02 10:00:00' };
    expect(summary(decide(oneDay, { fileName: 'a.jpg' }))).toBe('DateTimeOriginal 2021-02-03T10:00:00');
    // A day without a time is the whole day: 2021-02-02 ends less than a day before 2021-02-03 10:00.
    const dayOnly = { 'ExifIFD:DateTimeOriginal': '2021:02:03 10:00:00', 'IPTC:DateCreated': '2021:02:02' };
    expect(summary(decide(dayOnly, { fileName: 'a.jpg' }))).toBe('DateTimeOriginal 2021-02-03T10:00:00');
    const twoDays = { 'ExifIFD:DateTimeOriginal': '2021:02:03 10:00:00', 'IPTC:DateCreated': '2021:02:01' };
    expect(summary(decide(twoDays, { fileName: 'a.jpg' }))).toBe('DateCreatedBeforeScan 2021-02-01T00:00:00');
  });
});

describe('v2 rule 3: DateCreated above CreateDate', () => {
  it('IPTC/XMP DateCreated beats EXIF CreateDate and the QuickTime dates', () => {
    const tags = { 'XMP-photoshop:DateCreated': '2007:04:19 12:00:00', 'XMP-xmp:CreateDate': '2005:02:01 00:30:44-06:00', 'QuickTime:CreateDate': '2004:01:01 00:00:01' };
    expect(summary(decide(tags, { fileName: 'a.jpg' }))).toBe('DateCreated 2007-04-19T12:00:00');
    expect(summary(decide({ 'XMP-iptcCore:DateCreated': '2010:10:10' }, { fileName: 'a.jpg' }))).toBe('DateCreated 2010-10-10T00:00:00');
  });
});

describe('v2 rule 5: video container dates', () => {
  it('a local-clock maker writes its own clock: the value is the wall clock, not moved by any zone', () => {
    const nikon = video('2024:09:28 20:31:07', { 'UserData:Make': 'NIKON' });
    expect(summary(decide(nikon, { defaultTimeZone: 'America/New_York' }))).toBe('QuickTimeLocalClock 2024-09-28T20:31:07');
    // GoPro files carry no Make, only the GoPro block (max-heromode.mp4 of gopro/gpmf-parser).
    const gopro = video('2019:11:18 15:45:32', { 'GoPro:Model': 'GoPro Max' });
    expect(summary(decide(gopro, { defaultTimeZone: 'Europe/Berlin' }))).toBe('QuickTimeLocalClock 2019-11-18T15:45:32');
    // With a zone in the file, it is kept beside the wall clock.
    expect(summary(decide({ ...nikon, 'Nikon:TimeZone': '+08:00' }))).toBe('QuickTimeLocalClock 2024-09-28T20:31:07+08:00');
  });

  it('makers off the list, and Canon CR3 whatever the list says, write UTC; the list is a setting', () => {
    const canon = video('2016:09:23 20:44:19', { 'UserData:Make': 'Canon' });
    expect(summary(decide(canon, { defaultTimeZone: 'Europe/Berlin' }))).toBe('QuickTimeUTC 2016-09-23T22:44:19+02:00 (default-time-zone)');
    expect(summary(decide(canon, { defaultTimeZone: 'Europe/Berlin', localClockMakers: [...DEFAULT_LOCAL_CLOCK_MAKERS, 'canon'] }))).toBe(
      'QuickTimeLocalClock 2016-09-23T20:44:19',
    );
    const cr3 = { 'File:FileType': 'CR3', 'IFD0:Make': 'Canon', 'QuickTime:CreateDate': '2019:12:05 05:32:49+00:00' };
    expect(summary(decide(cr3, { localClockMakers: ['Canon'], defaultTimeZone: 'Asia/Shanghai', fileName: 'a.cr3' }))).toBe(
      'QuickTimeUTC 2019-12-05T13:32:49+08:00 (default-time-zone)',
    );
  });

  it('a UTC value takes the offset implied by the name: whole, half and three-quarter hours', () => {
    // 20230811_223047 local, 2023-08-12 02:31:15 UTC: -4:00:28 -> -04:00 (28 s within the 2 minutes).
    expect(summary(decide(video('2023:08:12 02:31:15'), { fileName: '20230811_223047.mp4' }))).toBe('QuickTimeUTC 2023-08-11T22:31:15-04:00 (file-name)');
    // India: local 18:00:10, UTC 12:30:00 -> +05:30.
    expect(summary(decide(video('2022:01:05 12:30:00'), { fileName: 'VID_20220105_180010.mp4' }))).toBe('QuickTimeUTC 2022-01-05T18:00:00+05:30 (file-name)');
    // Nepal: local 00:44:30 next day, UTC 18:59:30 -> +05:45, across midnight.
    expect(summary(decide(video('2022:01:05 18:59:30'), { fileName: 'VID_20220106_004430.mp4' }))).toBe('QuickTimeUTC 2022-01-06T00:44:30+05:45 (file-name)');
    // Chatham Islands: +12:45.
    expect(summary(decide(video('2022:01:05 10:00:00'), { fileName: 'VID_20220105_224500.mp4' }))).toBe('QuickTimeUTC 2022-01-05T22:45:00+12:45 (file-name)');
  });

  it('exactly 2 minutes off still counts; 2 minutes and 1 second off, or beyond 14 h, falls back to the default zone', () => {
    expect(summary(decide(video('2023:08:12 02:32:47'), { fileName: '20230811_223047.mp4' }))).toBe('QuickTimeUTC 2023-08-11T22:32:47-04:00 (file-name)');
    expect(summary(decide(video('2023:08:12 02:32:48'), { fileName: '20230811_223047.mp4', defaultTimeZone: 'Europe/Berlin' }))).toBe(
      'QuickTimeUTC 2023-08-12T04:32:48+02:00 (default-time-zone)',
    );
    // 14:15 ahead is no zone on earth.
    expect(summary(decide(video('2023:08:11 08:15:00'), { fileName: '20230811_223000.mp4' }))).toBe('QuickTimeUTC 2023-08-11T08:15:00+00:00 (default-time-zone)');
  });

  it("an offset in the file comes first; Pixel PXL_ names and date-only names imply none", () => {
    expect(summary(decide(video('2023:08:12 02:31:15', { 'Keys:TimeZone': '+02:00' }), { fileName: '20230811_223047.mp4' }))).toBe(
      'QuickTimeUTC 2023-08-12T04:31:15+02:00 (file)',
    );
    expect(summary(decide(video('2023:08:12 02:31:15'), { fileName: 'PXL_20230812_023110123.mp4', defaultTimeZone: 'America/New_York' }))).toBe(
      'QuickTimeUTC 2023-08-11T22:31:15-04:00 (default-time-zone)',
    );
    expect(summary(decide(video('2023:08:12 02:31:15'), { fileName: 'VID-20230811-WA0001.mp4' }))).toBe('QuickTimeUTC 2023-08-12T02:31:15+00:00 (default-time-zone)');
  });

  it('Matroska/WebM DateUTC is UTC, converted like QuickTime dates', () => {
    const webm = { 'File:MIMEType': 'video/webm', 'Info:DateTimeOriginal': '2024:06:15 04:20:31Z' };
    expect(summary(decide(webm, { fileName: 'clip.webm', defaultTimeZone: 'America/Los_Angeles' }))).toBe('MatroskaUTC 2024-06-14T21:20:31-07:00 (default-time-zone)');
  });

  it('GPS time (rule 7) also takes the offset implied by the name', () => {
    expect(summary(decide({ 'Composite:GPSDateTime': '2023:08:12 02:31:15Z' }, { fileName: 'IMG_20230811_223100.jpg' }))).toBe(
      'GPSDateTime 2023-08-11T22:31:15-04:00 (file-name)',
    );
  });
});

describe('v2 validity: firmware defaults and repairs', () => {
  it('a firmware default that is the only date leaves the file undated, and says why', () => {
    const decision = decide({ 'ExifIFD:DateTimeOriginal': '2002:12:08 12:00:00', 'ExifIFD:CreateDate': '2002:12:08 12:00:00' }, { fileName: 'IMG_0001.jpg' });
    expect(summary(decision)).toBe('Undated');
    expect(decision.rejected.map((item) => `${item.tag} ${item.reason}`)).toEqual([
      'ExifIFD:DateTimeOriginal firmware-default',
      'ExifIFD:CreateDate firmware-default',
    ]);
  });

  it('every default of the list is invalid, the same date at another second is not, and the list is a setting', () => {
    for (const text of DEFAULT_FIRMWARE_DEFAULT_DATES) {
      expect(summary(decide({ 'ExifIFD:DateTimeOriginal': text.replace(/-/g, ':') }, { fileName: 'a.jpg' }))).toBe('Undated');
    }
    expect(summary(decide({ 'ExifIFD:DateTimeOriginal': '2002:12:08 12:00:01' }, { fileName: 'a.jpg' }))).toBe('DateTimeOriginal 2002-12-08T12:00:01');
    expect(summary(decide({ 'ExifIFD:DateTimeOriginal': '2002:12:08 12:00:00' }, { fileName: 'a.jpg', firmwareDefaultDates: [] }))).toBe(
      'DateTimeOriginal 2002-12-08T12:00:00',
    );
    expect(() => decide({}, { firmwareDefaultDates: ['2002-12-08'] })).toThrow(/firmwareDefaultDates.*2002-12-08/);
  });

  it('a firmware default in a video QuickTime date is judged as written, then the name decides', () => {
    const decision = decide(video('2000:01:01 00:00:00'), { fileName: 'VID_20140603_181502.mp4' });
    expect(summary(decision)).toBe('FileName 2014-06-03T18:15:02');
    expect(decision.rejected).toEqual([{ tag: 'QuickTime:CreateDate', value: '2000:01:01 00:00:00', reason: 'firmware-default' }]);
  });

  it('hour 24 reads as 00 of the same day, second 60 as 59', () => {
    expect(summary(decide({ 'ExifIFD:DateTimeOriginal': '2015:08:22 24:08:19' }, { fileName: 'a.jpg' }))).toBe('DateTimeOriginal 2015-08-22T00:08:19');
    expect(summary(decide({ 'ExifIFD:DateTimeOriginal': '2016:12:31 23:59:60' }, { fileName: 'a.jpg' }))).toBe('DateTimeOriginal 2016-12-31T23:59:59');
    expect(summary(decide({ 'ExifIFD:DateTimeOriginal': '2015:08:22 25:08:19' }, { fileName: 'a.jpg' }))).toBe('Undated');
  });
});

describe('v2 rule 8 and 9: modification dates and file names', () => {
  it('XMP ModifyDate, tiff:DateTime and PNG tIME, after EXIF ModifyDate', () => {
    expect(summary(decide({ 'XMP-xmp:ModifyDate': '2021:06:27 19:25:49+02:00' }, { fileName: 'a.jpg' }))).toBe('ModifyDate 2021-06-27T19:25:49+02:00');
    expect(summary(decide({ 'XMP-tiff:DateTime': '2011:01:01 01:01:01' }, { fileName: 'a.tif' }))).toBe('ModifyDate 2011-01-01T01:01:01');
    expect(summary(decide({ 'PNG:ModifyDate': '2020:05:20 19:37:26', 'IFD0:ModifyDate': '2019:01:01 00:00:01' }, { fileName: 'a.png' }))).toBe(
      'ModifyDate 2019-01-01T00:00:01',
    );
    expect(summary(decide({ 'PNG:ModifyDate': '2020:05:20 19:37:26' }, { fileName: 'a.png' }))).toBe('ModifyDate 2020-05-20T19:37:26');
  });

  it('12 AM is midnight, 12 PM is noon', () => {
    expect(summary(decide({}, { fileName: 'Screenshot 2023-03-14 at 12.07.41 AM.png' }))).toBe('FileName 2023-03-14T00:07:41');
    expect(summary(decide({}, { fileName: 'Screenshot 2023-03-14 at 12.07.41 PM.png' }))).toBe('FileName 2023-03-14T12:07:41');
  });

  it('epoch milliseconds are a UTC instant between 2000 and the upload', () => {
    // 1596022443000 = 2020-07-29T11:34:03Z; in Tokyo 20:34:03.
    expect(summary(decide({}, { fileName: 'FB_IMG_1596022443000.jpg', defaultTimeZone: 'Asia/Tokyo' }))).toBe(
      'FileName 2020-07-29T20:34:03+09:00 (default-time-zone)',
    );
    // 1735689601000 = 2025-01-01T00:00:01Z: one second after the upload, not a capture date.
    const after = decide({}, { fileName: 'FB_IMG_1735689601000.jpg' });
    expect(summary(after)).toBe('Undated');
    expect(after.rejected).toEqual([{ tag: 'file name', value: '1735689601000', reason: 'in-the-future' }]);
    expect(summary(decide({}, { fileName: 'FB_IMG_1735689600000.jpg' }))).toBe('FileName 2025-01-01T00:00:00+00:00 (default-time-zone)');
    // 0946684799000 = 1999-12-31T23:59:59Z: before 2000, not read as a date.
    expect(summary(decide({}, { fileName: 'FB_IMG_0946684799000.jpg' }))).toBe('Undated');
  });

  it('a Pixel name is UTC: converted with the default zone', () => {
    expect(summary(decide({}, { fileName: 'PXL_20230102_011112345.jpg', defaultTimeZone: 'America/Los_Angeles' }))).toBe(
      'FileName 2023-01-01T17:11:12-08:00 (default-time-zone)',
    );
  });
});

describe('dateSourceLabel', () => {
  it('gives plain words beside the stable identifier', () => {
    expect(dateSourceLabel('DateTimeOriginal')).toBe('taken (EXIF)');
    expect(dateSourceLabel('QuickTimeLocalClock')).toBe('video, camera clock');
    expect(dateSourceLabel('QuickTimeUTC', 'file-name')).toBe('video, UTC + zone from name');
    expect(dateSourceLabel('QuickTimeUTC', 'default-time-zone')).toBe('video, UTC + default zone');
    expect(dateSourceLabel('FileName')).toBe('file name');
    expect(dateSourceLabel('UploadDate', 'default-time-zone')).toBe('upload date');
  });
});
