import { describe, expect, it } from 'vitest';
import { dateFromFileName, readFileNameDate } from '../src/core/date-policy/file-name-date.js';
import { formatWallClock } from '../src/core/date-policy/date-value.js';

const parsed = (name: string) => {
  const date = dateFromFileName(name);
  return date ? formatWallClock(date) : undefined;
};

describe('dateFromFileName', () => {
  it.each([
    ['IMG_20190405_123456.jpg', '2019-04-05T12:34:56'],
    ['PXL_20230102_101112345.jpg', '2023-01-02T10:11:12+00:00'],
    ['VID_20200101_000001.mp4', '2020-01-01T00:00:01'],
    ['IMG-20190405-WA0001.jpg', '2019-04-05T00:00:00'],
    ['2018-04-12 19_24_49.jpg', '2018-04-12T19:24:49'],
    ['Screenshot 2019-05-21 at 10.45.52.png', '2019-05-21T10:45:52'],
    ['telegram_2020-01-30_09-57-18.jpg', '2020-01-30T09:57:18'],
    ['20170101_010101.jpg', '2017-01-01T01:01:01'],
    // v2
    ['DJI_20230918071522_0031_D.JPG', '2023-09-18T07:15:22'],
    ['Screenshot 2023-03-14 at 9.07.41 PM.png', '2023-03-14T21:07:41'],
    ['Screenshot 2023-03-14 at 9.07.41\u202fPM.png', '2023-03-14T21:07:41'],
    ['Screen Shot 2020-01-02 at 12.00.01 AM.png', '2020-01-02T00:00:01'],
    ['Screen Shot 2020-01-02 at 12.30.00 PM.png', '2020-01-02T12:30:00'],
    ['Screen Shot 2020-01-02 at 11.59.59 PM.png', '2020-01-02T23:59:59'],
    ['signal-2021-03-04-123456.jpg', '2021-03-04T12:34:56'],
    ['signal-2021-03-04-12-34-56-789.jpg', '2021-03-04T12:34:56'],
    ['FB_IMG_1596022443000.jpg', '2020-07-29T11:34:03+00:00'],
    ['1596022443123.jpg', '2020-07-29T11:34:03+00:00'],
    ['mmexport1596022443000.jpg', '2020-07-29T11:34:03+00:00'],
    ['IMG_20150822_240819.jpg', '2015-08-22T00:08:19'],
    // no 13th hour on a 12-hour clock: only the day is read
    ['Screenshot 2023-03-14 at 13.07.41 PM.png', '2023-03-14T00:00:00'],
  ])('%s -> %s', (name, expected) => {
    expect(parsed(name)).toBe(expected);
  });

  it.each([
    'DSC_0001.JPG',
    'IMG_20191341_120000.jpg',
    'IMG_123456789012.jpg',
    'photo-99990101.jpg',
    'scan_18000101.tif',
    // v2: no 13th hour on a 12-hour clock, no 14-digit run that is not a date, epoch before 2000
    'DJI_20231318071522_0031_D.JPG',
    'FB_IMG_0946684799000.jpg',
    'IMG1596022443000x.jpg',
  ])(
    'finds no date in %s',
    (name) => {
      expect(parsed(name)).toBeUndefined();
    },
  );

  it('says which names are UTC and which have no time of day', () => {
    expect(readFileNameDate('PXL_20230102_231112345.jpg')).toMatchObject({ clock: 'utc', form: 'pixel', hasTime: true });
    expect(readFileNameDate('FB_IMG_1596022443000.jpg')).toMatchObject({ clock: 'utc', form: 'epoch-ms', text: '1596022443000' });
    expect(readFileNameDate('VID_20230811_223047.mp4')).toMatchObject({ clock: 'local', form: 'date-time', hasTime: true });
    expect(readFileNameDate('IMG-20190405-WA0001.jpg')).toMatchObject({ clock: 'local', form: 'date', hasTime: false });
  });
});
