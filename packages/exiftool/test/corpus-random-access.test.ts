import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_MISSING, findCorpus, readCorpusTable } from '@photo-organizer/test-kit';
import { ExiftoolProcess, fileSource } from '../src/index.js';
import { cliReference, datesAndCamera, exiftoolOptions } from './helpers.js';

const corpus = findCorpus();
if (!corpus) console.warn(CORPUS_MISSING);

const BLOCK_SIZE = 65_536;

/** Bytes of the distinct aligned blocks that `logical_byte_ranges` touch: the corpus lower bound in whole blocks. */
function blockBound(ranges: string, size: number): number {
  const blocks = new Set<number>();
  for (const range of ranges.split(',').filter(Boolean)) {
    const [start = 0, end = 0] = range.split('-').map(Number);
    for (let block = Math.floor(start / BLOCK_SIZE); block * BLOCK_SIZE < end; block += 1) blocks.add(block);
  }
  return [...blocks].reduce((sum, block) => sum + Math.min(BLOCK_SIZE, size - block * BLOCK_SIZE), 0);
}

describe.skipIf(!corpus)('random access over every corpus file', () => {
  const rows = corpus ? readCorpusTable(corpus, 'bytes_needed.tsv') : [];
  const exiftool = new ExiftoolProcess(exiftoolOptions);
  let reference = new Map<string, Record<string, unknown>>();

  beforeAll(async () => {
    reference = await cliReference(rows.map((row) => path.join(corpus ?? '', row.path ?? '')));
  });
  afterAll(() => exiftool.close());

  it('returns the CLI date tags and fetches no more than the corpus lower bound in whole blocks', async () => {
    // Prepare
    const mismatches: string[] = [];
    const overBound: string[] = [];
    let fetched = 0;
    let bound = 0;
    for (const row of rows) {
      const file = path.join(corpus ?? '', row.path ?? '');
      const source = fileSource(file, { blockSize: BLOCK_SIZE });
      // Act
      const result = await exiftool.readMetadata(source);
      await source.close();
      // Assess (collected, so one run names every file that differs)
      const cli = reference.get(file) ?? {};
      const expected = datesAndCamera(cli);
      const actual = datesAndCamera(result.tags);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(`${row.path}: expected ${JSON.stringify(expected)} got ${JSON.stringify(actual)}`);
      }
      const cliError = Object.entries(cli).find(([key]) => key.endsWith(':Error'))?.[1];
      if (cliError !== result.error) mismatches.push(`${row.path}: error ${String(cliError)} vs ${String(result.error)}`);
      const fileBound = blockBound(row.logical_byte_ranges ?? '', Number(row.size_bytes));
      fetched += source.stats.bytesFetched;
      bound += fileBound;
      if (source.stats.bytesFetched > fileBound) {
        overBound.push(`${row.path}: fetched ${source.stats.bytesFetched} > bound ${fileBound} (unique ${row.logical_unique_bytes})`);
      }
    }
    console.info(`random access over ${rows.length} corpus files: fetched ${fetched} bytes, block bound ${bound}`);
    expect(mismatches).toEqual([]);
    expect(overBound).toEqual([]);
  });
});
