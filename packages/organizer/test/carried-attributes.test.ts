import { describe, expect, it } from 'vitest';
import { carriedAttributes, needsSourceTags } from '../src/core/carried-attributes.js';

describe('carriedAttributes: what the single and the multipart copy path both write', () => {
  it('keeps the content headers, follows the source class, and encodes the tags as a URL query', () => {
    expect(
      carriedAttributes({
        contentHeaders: { ContentType: 'image/jpeg', CacheControl: 'max-age=60' },
        sourceStorageClass: 'STANDARD_IA',
        storageClassSetting: 'source',
        sourceTags: [{ Key: 'album', Value: 'trip 2019' }, { Key: 'a&b', Value: 'x=y' }, { Key: '', Value: 'dropped' }],
      }),
    ).toEqual({ contentHeaders: { ContentType: 'image/jpeg', CacheControl: 'max-age=60' }, storageClass: 'STANDARD_IA', tagging: 'album=trip%202019&a%26b=x%3Dy' });
  });

  it('takes the configured class over the source, and names none for STANDARD', () => {
    expect(carriedAttributes({ contentHeaders: {}, sourceStorageClass: 'STANDARD_IA', storageClassSetting: 'INTELLIGENT_TIERING' })).toMatchObject({ storageClass: 'INTELLIGENT_TIERING', tagging: undefined });
    expect(carriedAttributes({ contentHeaders: {}, sourceStorageClass: undefined, storageClassSetting: 'source', sourceTags: [] })).toMatchObject({ storageClass: undefined, tagging: undefined });
  });
});

describe('needsSourceTags', () => {
  it.each([
    [{ size: 10, multipartThresholdBytes: 100, tagCount: 3 }, false], // CopyObject copies the tags itself
    [{ size: 100, multipartThresholdBytes: 100, tagCount: 3 }, true],
    [{ size: 100, multipartThresholdBytes: 100, tagCount: undefined }, true], // not reported: ask
    [{ size: 100, multipartThresholdBytes: 100, tagCount: 0 }, false],
  ])('%o -> %s', (input, expected) => {
    expect(needsSourceTags(input)).toBe(expected);
  });
});
