import { describe, expect, it } from 'vitest';
import { decisionMetadata, redatedMetadata } from '../src/core/copy-metadata.js';
import type { CaptureDateDecision } from '../src/core/date-policy/capture-date.js';

// The user metadata of copies: S3 refuses more than 2 KB of it (names and values, UTF-8), so a
// copy that would carry more fails with MetadataTooLarge on every retry.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
const bytes = (metadata: Record<string, string>) => Object.entries(metadata).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
const undated: CaptureDateDecision = { dated: false, dateSource: 'Undated', rejected: [] };
const takeout = { dated: true, dateSource: 'TakeoutJson', tag: 'photoTakenTime', captureDate: { year: 2021, month: 7, day: 1, hour: 9, minute: 30, second: 0, offsetMinutes: 0 }, rejected: [] } as unknown as CaptureDateDecision;
const source = { bucket: 'uploads', key: 'Takeout/Photos from 2021/received_10157.jpeg', eTag: '"9b2cf535f27731c974343645a3985328"' };

describe('copy metadata, re-dated under a Takeout JSON (issue 18)', () => {
  it('replaces only the decision fields of a copy that has room', () => {
    const first = decisionMetadata({ decision: undated, source, make: undefined, model: undefined, sourceMetadata: { album: 'summer' } });
    const redated = redatedMetadata(first, takeout);
    expect(redated).toMatchObject({ album: 'summer', 'source-key': first['source-key'], 'source-etag': first['source-etag'], 'date-source': 'TakeoutJson', 'date-tag': 'photoTakenTime' });
    expect(redated['capture-date']).toMatch(/^2021-07-01T09:30:00/);
  });

  it('stays within 2 KB when the undated copy was just under it: the source\'s carried metadata goes first, the source key stays', () => {
    const filler = 'x'.repeat(2040 - 'note'.length - bytes(decisionMetadata({ decision: undated, source, make: undefined, model: undefined, sourceMetadata: {} })));
    const first = decisionMetadata({ decision: undated, source, make: undefined, model: undefined, sourceMetadata: { note: filler } });
    expect(bytes(first)).toBeLessThanOrEqual(2048);
    expect(first.note).toBe(filler);
    const redated = redatedMetadata(first, takeout);
    expect(bytes({ ...first, 'date-source': 'TakeoutJson', 'capture-date': '2021-07-01T09:30:00+00:00', 'date-tag': 'photoTakenTime' })).toBeGreaterThan(2048);
    expect(bytes(redated)).toBeLessThanOrEqual(2048);
    expect(redated.note).toBeUndefined();
    expect(redated['source-key']).toBe(first['source-key']);
    expect(redated['date-source']).toBe('TakeoutJson');
  });

  it('keeps a source key that was already omitted as it was', () => {
    const longKey = `${'deep/'.repeat(380)}IMG_0001.JPG`;
    const first = decisionMetadata({ decision: undated, source: { ...source, key: longKey }, make: undefined, model: undefined, sourceMetadata: {} });
    expect(first['source-key']).toBe(`(omitted: ${Buffer.byteLength(longKey)} bytes)`);
    expect(redatedMetadata(first, takeout)['source-key']).toBe(first['source-key']);
  });
});
