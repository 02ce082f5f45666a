import { describe, expect, it } from 'vitest';
import { dateFromFileName } from '../src/core/date-policy/file-name-date.js';
import { formatWallClock } from '../src/core/date-policy/date-value.js';

const parsed = (name: string) => {
  const date = dateFromFileName(name);
  return date ? formatWallClock(date) : undefined;
};

describe('dateFromFileName', () => {
  it.each([
    ['IMG_20190405_123456.jpg', '2019-04-05T12:34:56'],
    ['PXL_20230102_101112345.jpg', '2023-01-02T10:11:12'],
    ['VID_20200101_000001.mp4', '2020-01-01T00:00:01'],
    ['IMG-20190405-WA0001.jpg', '2019-04-05T00:00:00'],
    ['2018-04-12 19_24_49.jpg', '2018-04-12T19:24:49'],
    ['Screenshot 2019-05-21 at 10.45.52.png', '2019-05-21T10:45:52'],
    ['telegram_2020-01-30_09-57-18.jpg', '2020-01-30T09:57:18'],
    ['20170101_010101.jpg', '2017-01-01T01:01:01'],
  ])('%s -> %s', (name, expected) => {
    expect(parsed(name)).toBe(expected);
  });

  it.each(['DSC_0001.JPG', 'IMG_20191341_120000.jpg', 'IMG_123456789012.jpg', 'photo-99990101.jpg', 'scan_18000101.tif'])(
    'finds no date in %s',
    (name) => {
      expect(parsed(name)).toBeUndefined();
    },
  );
});
