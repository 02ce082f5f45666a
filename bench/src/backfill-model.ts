// The backfill time and cost model, fed by a bench run: the per-object figures (duration, S3
// requests, bytes) of the function's read strategy from a results JSON, combined by
// @photo-organizer/backfill-model with AWS's published limits and prices (each cited there) into
// the table for 10k, 100k and 1M photos. Run: node src/backfill-model.ts [results/latest.json]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BackfillEstimate, estimateBackfill, formatDuration, type PerObjectFigures } from '@photo-organizer/backfill-model';

/** The parts of a bench results JSON (`results/latest.json`) the model reads. */
export interface BenchResults {
  readonly run: { readonly date: string; readonly quick: boolean };
  readonly strategies: readonly { readonly strategy: string; readonly meanMs: number; readonly corpusObjects: number }[];
  readonly raw: readonly {
    readonly strategy: string;
    readonly objects: readonly { readonly kind: string; readonly gets: number; readonly heads: number; readonly copies: number; readonly bytesFetched: number }[];
  }[];
}

/** The function's read strategy (the organizer's default), whose figures the model uses. */
export const MODEL_STRATEGY = 'random-access';
/** The photo counts of the table. */
export const BACKFILL_SIZES = [10_000, 100_000, 1_000_000] as const;

/**
 * Per-object figures of `strategy` in a bench run: its mean duration over corpus objects, and the
 * mean GET, HEAD, COPY and bytes fetched per corpus object (generated large objects left out:
 * a photo library is made of photos). `memoryMb` is the module's default function memory.
 */
export function perObjectFromBench(results: BenchResults, strategy = MODEL_STRATEGY, memoryMb = 512): PerObjectFigures {
  const summary = results.strategies.find((entry) => entry.strategy === strategy);
  const objects = results.raw.find((entry) => entry.strategy === strategy)?.objects.filter((object) => object.kind === 'corpus') ?? [];
  if (!summary || objects.length === 0) throw new Error(`the bench results have no corpus objects for strategy "${strategy}"`);
  const mean = (pick: (object: (typeof objects)[number]) => number) => objects.reduce((total, object) => total + pick(object), 0) / objects.length;
  return {
    durationMs: summary.meanMs,
    memoryMb,
    gets: mean((object) => object.gets),
    heads: mean((object) => object.heads),
    copies: mean((object) => object.copies),
    bytesRead: mean((object) => object.bytesFetched),
    source: `make bench ${results.run.date.slice(0, 10)}${results.run.quick ? ' (quick)' : ''}, ${strategy}, ${objects.length} corpus objects`,
  };
}

/** One estimate per size, at the account's default concurrency, sources in one prefix (the worst case). */
export function backfillTable(figures: PerObjectFigures, sizes: readonly number[] = BACKFILL_SIZES): BackfillEstimate[] {
  return sizes.map((objects) => estimateBackfill(figures, { objects }));
}

/** The table as Markdown, with its inputs. */
export function renderBackfillTable(figures: PerObjectFigures, rows: readonly BackfillEstimate[]): string {
  const lines = [
    `Per object (${figures.source}): ${figures.durationMs.toFixed(0)} ms at ${figures.memoryMb} MB, ${figures.gets.toFixed(2)} GET + ${figures.heads.toFixed(2)} HEAD + ${figures.copies.toFixed(2)} COPY, ${Math.round(figures.bytesRead / 1000)} kB read.`,
    '',
    '| photos | wall time | peak concurrency | S3 requests | dollars | limiting factor |',
    '|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.objects.toLocaleString('en-US')} | ${formatDuration(row.wallSeconds)} | ${row.peakConcurrency} | ${Math.round(row.s3Requests.total).toLocaleString('en-US')} | $${row.usd.total.toFixed(2)} | ${row.limitingFactor} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? fileURLToPath(new URL('../results/latest.json', import.meta.url));
  const figures = perObjectFromBench(JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
  process.stdout.write(renderBackfillTable(figures, backfillTable(figures)));
}
