import { describe, expect, it } from 'vitest';
import {
  companionKindOf,
  groupStem,
  mayFollow,
  parseTakeoutJson,
  primaryFor,
  primaryListPrefix,
  takeoutJsonListPrefix,
  takeoutJsonNames,
  takeoutMediaFor,
  takeoutMediaPrefix,
} from '../src/core/companions.js';
import { dateSourceLabel } from '../src/core/date-policy/date-source-labels.js';
import { formatWallClock } from '../src/core/date-policy/date-value.js';
import { groupLines } from '../src/core/group-summary.js';
import { withTakeoutDate } from '../src/core/takeout-date.js';

describe('groups by name', () => {
  it('gives XMP, AAE (also IMG_O), Live Photo and RAW names one stem', () => {
    expect(['IMG_1234.HEIC', 'IMG_1234.MOV', 'IMG_1234.AAE', 'IMG_O1234.AAE', 'IMG_1234.xmp', 'IMG_1234.HEIC.xmp'].map(groupStem)).toEqual(
      Array(6).fill('IMG_1234'),
    );
    expect(groupStem('notes.txt')).toBeUndefined();
    expect(groupStem('IMG_1234.JPG.json')).toBeUndefined();
    expect(companionKindOf('a.XMP')).toBe('xmp');
    expect(companionKindOf('a.jpg')).toBeUndefined();
  });

  it('makes the rendered still the primary of every member, whatever the order of the listing', () => {
    const folder = ['IMG_1234.MOV', 'IMG_O1234.AAE', 'IMG_1234.HEIC', 'IMG_1234.AAE', 'IMG_12345.HEIC'];
    for (const member of ['IMG_1234.MOV', 'IMG_O1234.AAE', 'IMG_1234.AAE']) expect(primaryFor(member, folder), member).toBe('IMG_1234.HEIC');
    expect(primaryFor('IMG_1234.HEIC', folder)).toBeUndefined();
    expect(primaryFor('DSC_0001.NEF', ['DSC_0001.JPG', 'DSC_0001.NEF'])).toBe('DSC_0001.JPG');
    expect(primaryFor('DSC_0001.JPG', ['DSC_0001.JPG', 'DSC_0001.NEF'])).toBeUndefined();
  });

  it('lets a sidecar follow a RAW or a video when there is no still, and a video follow only a still', () => {
    expect(primaryFor('DSC_0001.NEF.xmp', ['DSC_0001.NEF', 'DSC_0001.NEF.xmp'])).toBe('DSC_0001.NEF');
    expect(primaryFor('clip.xmp', ['clip.MP4'])).toBe('clip.MP4');
    expect(primaryFor('clip.MP4', ['clip.MP4', 'clip.NEF'])).toBeUndefined();
    expect(primaryFor('IMG_1234.MOV', ['IMG_1234.MOV'])).toBeUndefined();
    expect(primaryFor('IMG_1234.xmp', ['IMG_1234.xmp', 'img_1234.jpg'])).toBeUndefined();
  });

  it('lists siblings by a prefix that every possible primary starts with', () => {
    expect(primaryListPrefix('IMG_O1234.AAE')).toBe('IMG_1234.');
    expect(primaryListPrefix('IMG_1234.HEIC.xmp')).toBe('IMG_1234.');
    expect(primaryListPrefix('IMG_1234.MOV')).toBe('IMG_1234.');
  });

  it('lists a folder only for files that may follow', () => {
    expect(['a.xmp', 'a.AAE', 'a.json', 'a.NEF', 'a.MOV', 'a.mp4'].map(mayFollow)).toEqual(Array(6).fill(true));
    expect(['a.JPG', 'a.heic', 'a.avi', 'a.mkv', 'notes.txt'].map(mayFollow)).toEqual(Array(5).fill(false));
  });
});

describe('Google Takeout JSON names', () => {
  // The forms quoted from real exports in TheLastGimbus/GooglePhotosTakeoutHelper#8 and #353,
  // pulsejet/memories#1559, ente-io/ente#4956.
  const cases: [string, string][] = [
    ['IMG_1234.JPG', 'IMG_1234.JPG.json'],
    ['IMG_1234.JPG', 'IMG_1234.JPG.supplemental-metadata.json'],
    ['Urlaub in Knaufspesch in der Schneifel (38).JPG', 'Urlaub in Knaufspesch in der Schneifel (38).JP.json'],
    ['Screenshot_2017-07-05-10-05-26.png', 'Screenshot_2017-07-05-10-05-26.png.supplementa.json'],
    ['Screenshot_20241227_105539_Edge.jpg', 'Screenshot_20241227_105539_Edge.jpg.supplement.json'],
    ['Screenshot_20220207_102421_com.snapchat.android.jpg', 'Screenshot_20220207_102421_com.snapchat.androi.json'],
    ['D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg', 'D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg.supp.json'],
    ['IMG_1234(1).jpg', 'IMG_1234.jpg(1).json'],
    ['IMG_1234(1).jpg', 'IMG_1234.jpg.supplemental-metadata(1).json'],
    ['IMG_1234-edited.jpg', 'IMG_1234.jpg.json'],
  ];

  it.each(cases)('%s has the JSON %s, and that JSON finds it again', (media, json) => {
    expect(takeoutJsonNames(media)).toContain(json);
    expect(media.startsWith(takeoutMediaPrefix(json)!), `${json} lists ${media}`).toBe(true);
    expect(json.startsWith(takeoutJsonListPrefix(media)), `${media} lists ${json}`).toBe(true);
  });

  it('gives a JSON to the original before an edited copy, and not to a different counter', () => {
    expect(takeoutMediaFor('IMG_1234.jpg.json', ['IMG_1234-edited.jpg', 'IMG_1234.jpg', 'IMG_1234.jpg.json'])).toBe('IMG_1234.jpg');
    expect(takeoutMediaFor('IMG_1234.jpg(1).json', ['IMG_1234.jpg', 'IMG_1234(1).jpg'])).toBe('IMG_1234(1).jpg');
    expect(takeoutMediaFor('IMG_1234.jpg.json', ['IMG_1234(1).jpg'])).toBeUndefined();
  });

  it('reads photoTakenTime and refuses JSON that is not Takeout\'s', () => {
    expect(parseTakeoutJson('{"title":"a.jpg","photoTakenTime":{"timestamp":"1625093400","formatted":"x"}}')).toEqual({
      photoTakenTimeSeconds: 1625093400,
      title: 'a.jpg',
    });
    expect(parseTakeoutJson('{"title":"Trip","date":{"timestamp":"1625093400"}}')).toBeUndefined();
    expect(parseTakeoutJson('{"name":"x","version":"1.0.0"}')).toBeUndefined();
    expect(parseTakeoutJson('[1,2]')).toBeUndefined();
    expect(parseTakeoutJson('not json')).toBeUndefined();
    expect(parseTakeoutJson('{"photoTakenTime":{"timestamp":"soon"}}')).toBeUndefined();
  });
});

describe('photoTakenTime as a date source', () => {
  const undated = { dated: false, dateSource: 'Undated', rejected: [] } as const;
  const takeout = { photoTakenTimeSeconds: 1625093400, title: 'a.jpg' }; // 2021-06-30T22:50:00Z

  it('dates a file without a metadata date in the default zone', () => {
    const decision = withTakeoutDate(undated, takeout, { defaultTimeZone: 'Europe/Berlin' });
    expect(decision.dated && formatWallClock(decision.captureDate)).toBe('2021-07-01T00:50:00+02:00');
    expect(decision.dateSource).toBe('TakeoutJson');
    expect(dateSourceLabel(decision.dateSource, decision.dated ? decision.offsetFrom : undefined)).toBe('Google Takeout (photoTakenTime, UTC) + default zone');
    const utc = withTakeoutDate(undated, takeout, { defaultTimeZone: 'UTC' });
    expect(utc.dated && formatWallClock(utc.captureDate)).toBe('2021-06-30T22:50:00+00:00');
  });

  it('beats a date in the file name and loses to any metadata date (between rules 8 and 9)', () => {
    const byName = { dated: true, dateSource: 'FileName', tag: 'file name', captureDate: { year: 2019, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, rejected: [] } as const;
    expect(withTakeoutDate(byName, takeout, { defaultTimeZone: 'UTC' }).dateSource).toBe('TakeoutJson');
    const modified = { ...byName, dateSource: 'ModifyDate', tag: 'IFD0:ModifyDate' } as const;
    expect(withTakeoutDate(modified, takeout, { defaultTimeZone: 'UTC' })).toBe(modified);
  });

  it('rejects an epoch zero and a time after the upload, saying why', () => {
    const zero = withTakeoutDate(undated, { photoTakenTimeSeconds: 0, title: undefined }, { defaultTimeZone: 'UTC' });
    expect(zero).toMatchObject({ dated: false, rejected: [{ tag: 'photoTakenTime', value: '0', reason: 'placeholder' }] });
    const future = withTakeoutDate(undated, takeout, { defaultTimeZone: 'UTC', uploadedAt: new Date('2020-01-01T00:00:00Z') });
    expect(future).toMatchObject({ dated: false, rejected: [{ reason: 'in-the-future' }] });
  });
});

describe('group lines for people', () => {
  it('names the primary, the rest of each member\'s name and the folder', () => {
    const lines = groupLines([
      { source: 's3://in/p/IMG_1234.HEIC', targetKey: '2021-06-30/IMG_1234.HEIC' },
      { source: 's3://in/p/IMG_1234.MOV', targetKey: '2021-06-30/IMG_1234.MOV', companionOf: 's3://in/p/IMG_1234.HEIC' },
      { source: 's3://in/p/IMG_1234.AAE', targetKey: '2021-06-30/IMG_1234.AAE', companionOf: 's3://in/p/IMG_1234.HEIC' },
      { source: 's3://in/p/IMG_O1234.AAE', targetKey: '2021-06-30/IMG_O1234.AAE', companionOf: 's3://in/p/IMG_1234.HEIC' },
      { source: 's3://in/p/IMG_1234.MOV', targetKey: '2021-06-30/IMG_1234.MOV', companionOf: 's3://in/p/IMG_1234.HEIC' },
      { source: 's3://in/t/a.jpg.json', targetKey: 'x/2020-01-01/a.jpg.json', companionOf: 's3://in/t/a.jpg' },
      { source: 's3://in/q/alone.jpg', targetKey: '2020-01-01/alone.jpg' },
    ]);
    expect(lines).toEqual(['IMG_1234.HEIC + .AAE + .MOV + IMG_O1234.AAE -> 2021-06-30/', 'a.jpg + .jpg.json -> x/2020-01-01/']);
  });
});
