import { readFileSync } from 'node:fs';
import { MEASURED_PER_OBJECT } from '@photo-organizer/backfill-model';
import { describe, expect, it } from 'vitest';
import { type BenchResults, backfillTable, perObjectFromBench, renderBackfillTable } from '../src/backfill-model.ts';

const run = { date: '2026-11-21T02:33:03.569Z', quick: false };

describe('backfill model inputs from a bench run', () => {
  it('takes the mean over corpus objects of the function strategy, large generated objects left out', () => {
    const results: BenchResults = {
      run,
      strategies: [{ strategy: 'random-access', meanMs: 150, corpusObjects: 2 }, { strategy: 'exifr', meanMs: 99, corpusObjects: 2 }],
      raw: [
        {
          strategy: 'random-access',
          objects: [
            { kind: 'corpus', gets: 1, heads: 2, copies: 1, bytesFetched: 1000 },
            { kind: 'corpus', gets: 3, heads: 2, copies: 0, bytesFetched: 3000 },
            { kind: 'large', gets: 100, heads: 2, copies: 1, bytesFetched: 1e9 },
          ],
        },
      ],
    };
    expect(perObjectFromBench(results)).toEqual({
      durationMs: 150,
      memoryMb: 512,
      gets: 2,
      heads: 2,
      copies: 0.5,
      bytesRead: 2000,
      source: 'make bench 2026-11-21, random-access, 2 corpus objects',
    });
    expect(() => perObjectFromBench(results, 'stream-adaptive')).toThrow(/no corpus objects for strategy "stream-adaptive"/);
  });

  it("backfill-model's defaults (used by the CLI's confirmation) are the committed bench run's figures", () => {
    const latest = JSON.parse(readFileSync(new URL('../results/latest.json', import.meta.url), 'utf8')) as BenchResults;
    const measured = perObjectFromBench(latest);
    expect(MEASURED_PER_OBJECT.durationMs).toBeCloseTo(measured.durationMs, 0);
    expect(MEASURED_PER_OBJECT.gets).toBeCloseTo(measured.gets, 2);
    expect(MEASURED_PER_OBJECT.heads).toBeCloseTo(measured.heads, 2);
    expect(MEASURED_PER_OBJECT.copies).toBeCloseTo(measured.copies, 2);
    expect(Math.abs(MEASURED_PER_OBJECT.bytesRead - measured.bytesRead)).toBeLessThan(1000);
  });

  it('renders one row per size with its inputs', () => {
    const rows = backfillTable(MEASURED_PER_OBJECT);
    expect(rows.map((row) => row.objects)).toEqual([10_000, 100_000, 1_000_000]);
    const table = renderBackfillTable(MEASURED_PER_OBJECT, rows);
    expect(table.split('\n').filter((line) => line.startsWith('| 1'))).toHaveLength(3);
    expect(table).toMatch(/\| 1,000,000 \| .+ \| s3-get-head-rate \|/);
  });
});
