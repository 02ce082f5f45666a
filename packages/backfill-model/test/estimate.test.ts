import { describe, expect, it } from 'vitest';
import { estimateBackfill, formatDuration, type PerObjectFigures } from '../src/index.js';

// Expectations worked out by hand from the published figures (not by calling the model):
// 5,500 GET+HEAD/s per prefix, 3,500 COPY/s per prefix, 1,000 environments per 10 s,
// $0.25/job + $1/M objects, $0.20/M requests, $0.0000133334/GB-s, $0.0004/1k GET, $0.005/1k PUT/COPY/LIST.
const figures: PerObjectFigures = { durationMs: 200, memoryMb: 1024, gets: 2, heads: 2, copies: 1, bytesRead: 0, source: 'test' };

describe('estimateBackfill', () => {
  it('a million objects in one prefix are bound by S3 GET/HEAD rate', () => {
    const estimate = estimateBackfill(figures, { objects: 1_000_000 });
    // rates: Lambda 1000 / 0.2 s = 5000/s; GET+HEAD 5500 / 4 = 1375/s; COPY 3500 / 1 = 3500/s.
    expect(estimate.limitingFactor).toBe('s3-get-head-rate');
    expect(estimate.objectsPerSecond).toBeCloseTo(1375, 9);
    // 1375/s x 0.2 s = 275 environments; ramp 275 / 1000 x 10 s = 2.75 s; 1e6 / 1375 = 727.2727 s.
    expect(estimate.peakConcurrency).toBe(275);
    expect(estimate.wallSeconds).toBeCloseTo(730.0227, 3);
    expect(estimate.s3Requests).toEqual({ getHead: 4_000_000, putCopy: 1_000_000, list: 1000, total: 5_001_000 });
    // 0.25 + 1.00 | 0.20 | 1e6 x 0.2 x 1 x 0.0000133334 = 2.66668 | 4e6 x 0.0000004 + 1.001e6 x 0.000005 = 1.6 + 5.005
    expect(estimate.usd.batchOperations).toBeCloseTo(1.25, 9);
    expect(estimate.usd.lambdaRequests).toBeCloseTo(0.2, 9);
    expect(estimate.usd.lambdaDuration).toBeCloseTo(2.66668, 9);
    expect(estimate.usd.s3Requests).toBeCloseTo(6.605, 9);
    expect(estimate.usd.total).toBeCloseTo(10.72168, 9);
  });

  it('a small concurrency limit makes Lambda the limit, and more prefixes lift the S3 one', () => {
    const slow = estimateBackfill({ ...figures, durationMs: 500 }, { objects: 10_000, concurrency: 100 });
    // 100 / 0.5 s = 200/s < 1375/s: 10,000 / 200 = 50 s, plus a 1 s ramp for 100 environments.
    expect(slow.limitingFactor).toBe('lambda-concurrency');
    expect(slow.wallSeconds).toBeCloseTo(51, 9);
    expect(slow.peakConcurrency).toBe(100);
    const spread = estimateBackfill(figures, { objects: 1_000_000, prefixes: 4 });
    // GET+HEAD 4 x 5500 / 4 = 5500/s; COPY 4 x 3500 = 14000/s; Lambda 5000/s wins.
    expect(spread.limitingFactor).toBe('lambda-concurrency');
    expect(spread.objectsPerSecond).toBeCloseTo(5000, 9);
  });

  it('refuses nonsense', () => {
    expect(() => estimateBackfill(figures, { objects: 0 })).toThrow(/objects must be a positive number/);
    expect(() => estimateBackfill({ ...figures, durationMs: Number.NaN }, { objects: 1 })).toThrow(/durationMs/);
  });

  it('formats durations for people', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(730)).toBe('12 min');
    expect(formatDuration(5400)).toBe('1.5 h');
  });
});
