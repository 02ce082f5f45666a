import { describe, expect, it } from 'vitest';
import { isPermanentFailure, readFailureAction, type ReadFailureKind } from '../src/core/failure-policy.js';
import type { ExtractedMetadata } from '../src/core/metadata.js';
import type { ObjectFacts } from '../src/core/object-reference.js';
import { planObject, type PlanSettings, skipBeforeRead, TAGS_TO_READ } from '../src/core/plan.js';
import { isSameContent } from '../src/core/same-content.js';
import { scopeSkipReason, SKIP_REASONS, type SkipReason } from '../src/core/skip-reasons.js';

// The core without S3 or exiftool: facts and tags are written as S3 and `exiftool -G1 -json` give
// them; every expected value is worked out by hand from the rules (docs/date-policy.md, README).
const settings: PlanSettings = {
  destinationPrefix: 'library/',
  sourcePrefix: 'incoming/',
  keyTemplate: '{yyyy}/{mm}/{dir}/{name}',
  undated: 'undated',
  defaultTimeZone: 'Europe/Berlin',
  move: false,
  sidecar: false,
};
const jpeg: ExtractedMetadata = {
  tags: { 'ExifIFD:DateTimeOriginal': '2019:05:26 10:33:20', 'IFD0:Make': 'Apple', 'IFD0:Model': 'iPhone 8', 'File:MIMEType': 'image/jpeg' },
  warnings: [],
  fileType: 'JPEG',
};
const facts = (key: string, extra: Partial<ObjectFacts> = {}): ObjectFacts => ({
  object: { bucket: 'uploads', key, size: 2048, eTag: '"9b2cf535f27731c974343645a3985328"' },
  lastModified: new Date('2024-06-01T12:00:00Z'),
  contentHeaders: { ContentType: 'image/jpeg' },
  ...extra,
});

describe('planObject', () => {
  it('files a dated photo under the template, below the destination prefix, with {dir} relative to the source prefix', () => {
    const plan = planObject(facts('incoming/trip/IMG_0001.JPG'), { metadata: jpeg }, settings);
    expect(plan.action).toBe('copy');
    if (plan.action !== 'copy') return;
    expect(plan.targetKey).toBe('library/2019/05/trip/IMG_0001.JPG');
    expect(plan.decision.dateSource).toBe('DateTimeOriginal');
    expect(plan.userMetadata).toMatchObject({
      'organized-by': 'photo-organizer',
      'capture-date': '2019-05-26T10:33:20',
      'date-source': 'DateTimeOriginal',
      'source-bucket': 'uploads',
      'source-key': 'incoming%2Ftrip%2FIMG_0001.JPG',
      'source-etag': '9b2cf535f27731c974343645a3985328',
      'camera-make': 'Apple',
      'camera-model': 'iPhone%208',
    });
    expect(plan.sidecar).toBeUndefined();
    expect(plan.deleteSource).toBe(false);
  });

  it('files an object without dates as undated, or by upload date when asked', () => {
    const noDate: ExtractedMetadata = { tags: { 'File:MIMEType': 'image/jpeg' }, warnings: [], fileType: 'JPEG' };
    const undated = planObject(facts('incoming/a.jpg'), { metadata: noDate }, settings);
    const byUpload = planObject(facts('incoming/a.jpg'), { metadata: noDate }, { ...settings, undated: 'upload-date' });
    expect(undated.action === 'copy' && undated.targetKey).toBe('library/undated/a.jpg');
    expect(byUpload.action === 'copy' && [byUpload.targetKey, byUpload.decision.dateSource]).toEqual(['library/2024/06/a.jpg', 'UploadDate']);
  });

  it('skips what is not a photo or video (unsupported-file-type)', () => {
    const text: ExtractedMetadata = { tags: { 'File:MIMEType': 'text/plain' }, warnings: [], fileType: 'TXT' };
    const unknown: ExtractedMetadata = { tags: {}, warnings: [], error: 'Unknown file type' };
    expect(planObject(facts('incoming/notes.txt'), { metadata: text }, settings)).toEqual({
      action: 'skip',
      reason: 'unsupported-file-type',
      detail: 'TXT (text/plain) is not a photo or video',
    });
    expect(planObject(facts('incoming/x.bin'), { metadata: unknown }, settings)).toMatchObject({ action: 'skip', detail: 'Unknown file type' });
  });

  it('files by name when exiftool failed, and skips an empty object as a placeholder', () => {
    const failed = planObject(facts('incoming/IMG_20190405_123456.jpg'), { metadata: { tags: {}, warnings: [] }, error: 'ExiftoolTimeoutError: ...' }, settings);
    expect(failed.action === 'copy' && [failed.targetKey, failed.decision.dateSource]).toEqual(['library/2019/04/IMG_20190405_123456.jpg', 'FileName']);
    const empty = planObject(facts('incoming/empty.jpg', { object: { bucket: 'uploads', key: 'incoming/empty.jpg', size: 0, eTag: '"d41d8cd98f00b204e9800998ecf8427e"' } }), { metadata: { tags: {}, warnings: [] } }, settings);
    expect(empty).toMatchObject({ action: 'skip', reason: 'empty-object', detail: expect.stringContaining('empty (0 bytes)') });
  });

  it('writes NFC names: an NFD key (macOS) and an NFC key give one target key, the original kept in source-key', () => {
    const nfd = 'incoming/Cafe\u0301/Cafe\u0301.jpg';
    const nfc = nfd.normalize('NFC');
    const template = { ...settings, keyTemplate: '{dir}/{name}', sourcePrefix: 'incoming/' };
    const fromMac = planObject(facts(nfd), { metadata: jpeg }, template);
    const fromPhone = planObject(facts(nfc), { metadata: jpeg }, template);
    expect(nfd).not.toBe(nfc);
    expect(fromMac.action === 'copy' && fromMac.targetKey).toBe(`library/${'Café/Café.jpg'.normalize('NFC')}`);
    expect(fromMac.action === 'copy' && fromMac.targetKey).toBe(fromPhone.action === 'copy' && fromPhone.targetKey);
    expect(fromMac.action === 'copy' && decodeURIComponent(fromMac.userMetadata['source-key']!)).toBe(nfd);
  });

  it('skips archived and SSE-C objects from the first response, before any read', () => {
    expect(planObject(facts('incoming/a.jpg', { state: { storageClass: 'DEEP_ARCHIVE' } }), { metadata: { tags: {}, warnings: [] } }, settings)).toMatchObject({
      action: 'skip',
      reason: 'archived',
      detail: 'archived (DEEP_ARCHIVE): restore it first, then re-run backfill',
    });
    expect(planObject(facts('incoming/a.jpg', { state: { sseCustomerAlgorithm: 'AES256' } }), { metadata: { tags: {}, warnings: [] } }, settings)).toMatchObject({
      reason: 'encrypted-customer-key',
    });
  });

  it('skips a copy the organizer made (already-organized), before and after reading', () => {
    const ours = facts('incoming/IMG_0001.JPG', { userMetadata: { 'organized-by': 'photo-organizer' } });
    expect(skipBeforeRead(ours)).toMatchObject({ action: 'skip', reason: 'already-organized' });
    expect(planObject(ours, { metadata: jpeg }, settings)).toMatchObject({ action: 'skip', reason: 'already-organized' });
    expect(skipBeforeRead(facts('incoming/IMG_0001.JPG', { userMetadata: { 'organized-by': 'someone-else' } }))).toBeUndefined();
  });

  it('asks for a sidecar and a delete when the settings say so', () => {
    const plan = planObject(facts('incoming/IMG_0001.JPG'), { metadata: jpeg }, { ...settings, sidecar: true, move: true });
    expect(plan.action === 'copy' && plan.deleteSource).toBe(true);
    expect(plan.action === 'copy' && plan.sidecar).toMatchObject({
      schema: 'photo-organizer/sidecar@1',
      captureDate: '2019-05-26T10:33:20',
      dateTag: 'ExifIFD:DateTimeOriginal',
      make: 'Apple',
      model: 'iPhone 8',
      fileType: 'JPEG',
      source: { bucket: 'uploads', key: 'incoming/IMG_0001.JPG', size: 2048 },
    });
  });

  it('carries the source metadata along, and never the source\'s own organized-by', () => {
    const plan = planObject(facts('incoming/IMG_0001.JPG', { userMetadata: { album: 'summer' } }), { metadata: jpeg }, settings);
    expect(plan.action === 'copy' && plan.userMetadata.album).toBe('summer');
  });

  it('asks exiftool for every tag the date policy, the camera and the media type read', () => {
    expect(TAGS_TO_READ).toEqual(expect.arrayContaining(['DateTimeOriginal', 'CreationDate', 'GPSDateTime', 'ModifyDate', 'Make', 'Model', 'FileType', 'MIMEType']));
    expect(new Set(TAGS_TO_READ).size).toBe(TAGS_TO_READ.length);
  });
});

describe('scopeSkipReason', () => {
  const scope = { destinationBucket: 'photos', destinationPrefix: 'library/', sourcePrefix: 'incoming/' };
  it.each<[string, string, SkipReason | undefined]>([
    ['photos', 'library/2019/a.jpg', 'own-output'],
    ['photos', 'elsewhere/a.jpg', 'outside-source-prefix'],
    ['uploads', 'incoming/trip/', 'folder-marker'],
    ['uploads', 'incoming/a.jpg', undefined],
    ['photos', 'incoming/a.jpg', undefined],
  ])('s3://%s/%s -> %s', (bucket, key, reason) => {
    expect(scopeSkipReason({ bucket, key }, scope)).toBe(reason);
  });
  it('refuses the destination bucket itself when there is no destination prefix (every copy would trigger again)', () => {
    expect(scopeSkipReason({ bucket: 'photos', key: 'a.jpg' }, { ...scope, destinationPrefix: '' })).toBe('same-bucket-without-prefix');
  });
  it('describes every reason', () => {
    expect(Object.keys(SKIP_REASONS).sort()).toEqual(
      [
        'already-organized',
        'archived',
        'empty-object',
        'encrypted-customer-key',
        'folder-marker',
        'kms-key-not-granted',
        'object-gone',
        'outside-source-prefix',
        'own-output',
        'same-bucket-without-prefix',
        'superseded',
        'unsupported-file-type',
      ],
    );
  });
});

describe('failure policy', () => {
  it.each<[ReadFailureKind, boolean, string]>([
    ['object-gone', false, 'skip'],
    ['superseded', false, 'skip'],
    ['source-fault', false, 'retry'],
    ['exiftool-fault', false, 'file-without-metadata'],
    ['exiftool-fault', true, 'retry'],
    ['unexpected', false, 'retry'],
  ])('%s (aborted: %s) -> %s', (kind, aborted, action) => {
    expect(readFailureAction(kind, { aborted }).action).toBe(action);
  });
  it('reports gone, unsupported, archived, SSE-C and KMS-denied objects to Batch Operations as permanent failures, the rest as done', () => {
    const permanent = (Object.keys(SKIP_REASONS) as SkipReason[]).filter(isPermanentFailure).sort();
    expect(permanent).toEqual(['archived', 'encrypted-customer-key', 'kms-key-not-granted', 'object-gone', 'unsupported-file-type']);
  });
});

describe('isSameContent', () => {
  const source = { size: 10, eTag: '"abc"' };
  it('is the same object at the same size with the same ETag or a recorded source-etag', () => {
    expect(isSameContent({ size: 10, eTag: 'abc' }, source)).toBe(true);
    expect(isSameContent({ size: 10, eTag: '"abc-2"', userMetadata: { 'source-etag': 'abc' } }, source)).toBe(true);
    expect(isSameContent({ size: 11, eTag: '"abc"' }, source)).toBe(false);
    expect(isSameContent({ size: 10, eTag: '"def"' }, source)).toBe(false);
    expect(isSameContent({ size: 10, eTag: undefined }, { size: 10, eTag: '' })).toBe(false);
  });
});
