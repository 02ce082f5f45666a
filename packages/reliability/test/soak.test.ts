import { CORPUS_MISSING, findCorpus } from '@photo-organizer/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSoak, type SoakResult } from '../src/soak.ts';

// The short CI version of `make reliability`'s soak: the same code, 300 uploads instead of 2,000.
// Nothing is mocked: local S3 server, its events, the built bundle under aws-lambda-ric, the fault proxy.
const corpus = findCorpus();
if (!corpus) console.warn(CORPUS_MISSING);

describe.skipIf(!corpus)('soak: 300 uploads, ~10% S3 faults, every event twice, some late, same-name bursts', () => {
  let soak: SoakResult;
  beforeAll(async () => {
    soak = await runSoak({ uploads: 300, seed: 7 });
  }, 300_000);

  it('injected faults of every kind, on reads and on copies, and delivered duplicates', () => {
    expect(soak.faults.slowdown).toBeGreaterThan(0);
    expect(soak.faults.internal).toBeGreaterThan(0);
    expect(soak.faults['reset-mid-body']).toBeGreaterThan(0);
    expect(soak.faults['slow-first-byte']).toBeGreaterThan(0);
    expect(soak.faultsOnCopies).toBeGreaterThan(0);
    expect(soak.duplicatesDelivered).toBe(soak.uploads);
    expect(soak.reordered).toBeGreaterThan(0);
    expect(soak.collisions).toBeGreaterThan(0);
  });

  it('loses nothing: every source has a copy with its bytes, a logged skip, or a failure-queue entry', () => {
    expect(soak.lost).toEqual([]);
    expect(soak.mismatched).toEqual([]);
    expect(soak.sourceObjects).toBe(soak.uploads);
  });

  it('makes exactly one copy per source and overwrites nothing', () => {
    expect(soak.duplicated).toEqual([]);
    expect(soak.overwritten).toEqual([]);
  });

  it('keeps both photos of a same-name burst, as name.ext and name-N.ext', () => {
    expect(soak.collisionProblems).toEqual([]);
  });

  it('names the reason of everything in the failure queue', () => {
    for (const failure of soak.failureQueue) expect(failure.reason).toMatch(/\S+: .*s3:\/\/uploads\//);
  });

  it('leaves no multipart upload it did not try to abort', () => {
    expect(soak.multipartCopies).toBeGreaterThan(0);
    expect(soak.orphansWithoutAbort).toBe(0);
  });

  it('never hangs and stays within the configured memory', () => {
    expect(soak.hung).toBe(0);
    expect(soak.crashes).toBe(0);
    expect(soak.peakRssBytes).toBeLessThan(soak.memorySizeMb * 1024 * 1024);
  });
});
