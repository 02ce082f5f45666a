import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_TEMPLATE, joinKey, keyTemplateProblems, MAX_KEY_BYTES, numberedKey, renderKey } from '../src/core/key-template.js';

const date = { year: 2018, month: 2, day: 1, hour: 9, minute: 0, second: 0 };

describe('key templates', () => {
  it('renders the default layout and others', () => {
    expect(renderKey(DEFAULT_KEY_TEMPLATE, { fileName: 'foobar.jpg', dir: 'trip', captureDate: date })).toBe('2018-02-01/foobar.jpg');
    expect(renderKey('{yyyy}/{mm}/{dd}/{name}', { fileName: 'a.jpg', dir: '', captureDate: date })).toBe('2018/02/01/a.jpg');
    expect(renderKey('{yyyy}/{yyyy}-{mm}-{dd}/{dir}/{name}', { fileName: 'a.jpg', dir: 'trip/day1', captureDate: date })).toBe(
      '2018/2018-02-01/trip/day1/a.jpg',
    );
    expect(renderKey('{yyyy}/{dir}/{name}', { fileName: 'a.jpg', dir: '', captureDate: date })).toBe('2018/a.jpg');
  });

  it('sends undated files to undated/, keeping {dir} when the template uses it', () => {
    expect(renderKey(DEFAULT_KEY_TEMPLATE, { fileName: 'a.jpg', dir: 'x', captureDate: undefined })).toBe('undated/a.jpg');
    expect(renderKey('{yyyy}/{dir}/{name}', { fileName: 'a.jpg', dir: 'x', captureDate: undefined })).toBe('undated/x/a.jpg');
  });

  it('numbers a second photo of the same name before its extension', () => {
    expect(numberedKey('2018-02-01/foobar.jpg', 1)).toBe('2018-02-01/foobar-1.jpg');
    expect(numberedKey('2018-02-01/archive.tar.gz', 2)).toBe('2018-02-01/archive.tar-2.gz');
    expect(numberedKey('2018-02-01/README', 3)).toBe('2018-02-01/README-3');
  });

  it('rejects unknown placeholders and templates without the name', () => {
    expect(keyTemplateProblems('{yyyy}/{month}/{name}')[0]).toMatch(/unknown placeholder \{month\}/);
    expect(keyTemplateProblems('{yyyy}/{mm}')[0]).toMatch(/\{name\}/);
    expect(keyTemplateProblems(DEFAULT_KEY_TEMPLATE)).toEqual([]);
  });

  it('keeps keys within 1,024 bytes, and two long names stay distinct', () => {
    const long = (tail: string) => `${'é'.repeat(600)}${tail}.jpg`;
    const first = joinKey('photos/', `2018-02-01/${long('a')}`);
    const second = joinKey('photos/', `2018-02-01/${long('b')}`);
    expect(Buffer.byteLength(first)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(first).toMatch(/^photos\/2018-02-01\/é+~[0-9a-f]{12}\.jpg$/);
    expect(first).not.toBe(second);
    expect(joinKey('photos/', '2018-02-01/short.jpg')).toBe('photos/2018-02-01/short.jpg');
  });

  it("never renders a '.' or '..' segment or a NUL, which a copy to disk would resolve outside its folder", () => {
    const date = { year: 2022, month: 7, day: 14, hour: 10, minute: 0, second: 0 } as never;
    expect(renderKey('{yyyy}-{mm}-{dd}/{name}', { fileName: '..', dir: '', captureDate: date })).toBe('2022-07-14/__');
    expect(renderKey('{yyyy}-{mm}-{dd}/{name}', { fileName: '.', dir: '', captureDate: date })).toBe('2022-07-14/_');
    expect(renderKey('{dir}/{name}', { fileName: 'a.jpg', dir: 'trip/../..', captureDate: date })).toBe('trip/__/__/a.jpg');
    expect(renderKey('{yyyy}/{name}', { fileName: 'a\0b.jpg', dir: '', captureDate: date })).toBe('2022/a\uFFFDb.jpg');
    expect(renderKey('{yyyy}/{name}', { fileName: '..jpg', dir: '', captureDate: date })).toBe('2022/..jpg');
  });

  it('shortens a deep {dir} folder with a hash instead of failing: deterministic, one folder per source folder', () => {
    const deep = (tail: string) => `${'trip-2019/'.repeat(98)}album-${tail}`; // a 990-byte source folder
    const render = (dir: string, name: string) => renderKey('{yyyy}/{mm}/{dir}/{name}', { fileName: name, dir, captureDate: { year: 2019, month: 5, day: 26, hour: 10, minute: 0, second: 0 } as never });
    const a = joinKey('library/', render(deep('2019'), 'IMG_0001.JPG'));
    const aAgain = joinKey('library/', render(deep('2019'), 'IMG_0001.JPG'));
    const aSecond = joinKey('library/', render(deep('2019'), 'IMG_0002.JPG'));
    const b = joinKey('library/', render(deep('2020'), 'IMG_0001.JPG'));
    expect(Buffer.byteLength(deep('2019'))).toBe(990);
    for (const key of [a, aSecond, b]) expect(Buffer.byteLength(key) + 8).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(a).toMatch(/^library\/2019\/05\/trip-2019\/.*~[0-9a-f]{12}\/IMG_0001\.JPG$/);
    expect(a).toBe(aAgain);
    // One source folder -> one shortened folder; another folder -> another one.
    expect(a.slice(0, a.lastIndexOf('/'))).toBe(aSecond.slice(0, aSecond.lastIndexOf('/')));
    expect(a.slice(0, a.lastIndexOf('/'))).not.toBe(b.slice(0, b.lastIndexOf('/')));
  });
});
