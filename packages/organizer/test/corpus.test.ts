import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type Configuration,
  createMetadataReader,
  loadConfiguration,
  type MetadataReader,
  organizeObject,
  type Outcome,
  silentLogger,
} from '@photo-organizer/organizer';
import { prefetchPlan } from '../src/s3/read-plan.js';
import { CORPUS_MISSING, findCorpus, type LocalS3, pinnedExiftool, readCorpusTable, startLocalS3 } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every file of the real-media corpus goes through upload -> organize (the library API, in
// process, against a real S3-protocol server and the pinned exiftool), and lands where
// test/corpus/expected.tsv says. That table was written from the date policy, not from this code
// (see test/corpus/README.md); when they disagree, the table is the one to trust.

const corpus = findCorpus();
if (!corpus) console.warn(`corpus.test.ts: ${CORPUS_MISSING}`);

const here = path.dirname(fileURLToPath(import.meta.url));
const BLOCK = 64 * 1024;
const CONCURRENCY = 4;

/**
 * The reader trades bytes for round trips on purpose (in-region bytes are free, a round trip is
 * ~25 ms): it fetches the first block and the format's tail at once (s3/read-plan.ts), reads to the
 * end when a miss falls within 256 KiB of it, and fetches a JPEG's header segments in one GET. So the
 * bound is: the 64 KiB blocks exiftool's needed ranges touch, plus the head block, the format's
 * tail, the read-to-end window and one block of JPEG header slack, never more than the file.
 */
const READ_TO_END_WITHIN = 256 * 1024;
function byteBound(filePath: string, size: number, touched: number): number {
  const { head, tail } = prefetchPlan(filePath, BLOCK);
  return Math.min(size, touched + head + tail + READ_TO_END_WITHIN + BLOCK);
}

/**
 * Files the organizer knowingly files differently from the policy's answer, with the reason and
 * the exact answer it gives instead. exiftool's -fast (what makes range reads cheap) stops before
 * trailers and data after the movie: reading those dates would mean reading the whole file.
 * Each entry is a decision to revisit, not a tolerance: any other mismatch fails.
 */
const KNOWN_KEY_EXCEPTIONS: Readonly<Record<string, { reason: string; key: string; dateSource: string }>> = {
  'files/exiftool/AFCP.jpg': {
    reason: 'IPTC DateCreated sits in the AFCP trailer at the end of the JPEG; -fast does not read trailers',
    key: 'undated/AFCP.jpg',
    dateSource: 'Undated',
  },
  'files/metadata-extractor-images/100_0306.AVI': {
    reason: 'RIFF ICRD sits after the movi data; -fast stops at movi',
    key: 'undated/100_0306.AVI',
    dateSource: 'Undated',
  },
};

/**
 * Rows whose answer depends on the day the test runs: a date "more than one day after upload" is
 * invalid, and the upload is now. Before `validFrom - 1 day` the table's row holds; after
 * `validFrom` the future date has become valid; in between, either is accepted.
 */
const TIME_DEPENDENT: Readonly<Record<string, { validFrom: string; expectedKey: string; dateSource: string }>> = {
  // DateTimeOriginal/CreateDate 2026:11:24 14:41:16 (wrong camera clock, no offset: read as UTC).
  'files/exif-samples/WWL_(Polaroid)_ION230.jpg': {
    validFrom: '2026-11-23T14:41:16Z',
    expectedKey: '2026-11-24/WWL_(Polaroid)_ION230.jpg',
    dateSource: 'DateTimeOriginal',
  },
};

interface ExpectedRow {
  readonly path: string;
  readonly expectedKey: string;
  readonly dateSource: string;
  readonly acceptable: readonly { expectedKey: string; dateSource: string }[];
  readonly byteBound: number;
  /** The 64 KiB blocks that exiftool's needed ranges touch, in bytes. */
  readonly blocksTouched: number;
}

interface Result {
  readonly row: ExpectedRow;
  readonly outcome: Outcome | undefined;
  readonly error: string | undefined;
  readonly md5Matches: boolean | undefined;
  readonly storedDateSource: string | undefined;
  readonly storedDateTag: string | undefined;
}

function expectedRows(corpusDir: string, now: Date): ExpectedRow[] {
  const bytesNeeded = new Map(readCorpusTable(corpusDir, 'bytes_needed.tsv').map((row) => [row.path, row]));
  return readCorpusTable(path.join(here, 'corpus'), 'expected.tsv').map((row) => {
    const filePath = row.path ?? '';
    const table = { expectedKey: row.expected_key ?? '', dateSource: row.date_source ?? '' };
    const later = TIME_DEPENDENT[filePath];
    let acceptable = [table];
    if (later) {
      const validFrom = Date.parse(later.validFrom);
      if (now.getTime() >= validFrom) acceptable = [later];
      else if (now.getTime() >= validFrom - 86_400_000) acceptable = [table, later];
    }
    const needed = bytesNeeded.get(filePath);
    return {
      path: filePath,
      ...acceptable[0]!,
      acceptable,
      byteBound: byteBound(filePath, Number(needed?.size_bytes ?? Number.NaN), blocksTouched(needed?.logical_byte_ranges ?? '') * BLOCK),
      blocksTouched: blocksTouched(needed?.logical_byte_ranges ?? '') * BLOCK,
    };
  });
}

/** Distinct 64 KiB blocks covered by ranges written as `start-end,start-end` (end exclusive). */
function blocksTouched(ranges: string): number {
  const blocks = new Set<number>();
  for (const range of ranges.split(',').filter(Boolean)) {
    const [start = 0, end = 0] = range.split('-').map(Number);
    for (let block = Math.floor(start / BLOCK); block <= Math.floor((end - 1) / BLOCK); block += 1) blocks.add(block);
  }
  return blocks.size;
}

/** `files/<source-dir>/<name>` -> source dir and name. */
function split(filePath: string): { dir: string; name: string } {
  const [, dir = '', ...rest] = filePath.split('/');
  return { dir, name: rest.join('/') };
}

async function mapPool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

function got(result: Result): { key: string; dateSource: string } {
  if (result.error) return { key: `ERROR ${result.error}`, dateSource: '' };
  const outcome = result.outcome;
  if (!outcome) return { key: 'no outcome', dateSource: '' };
  if (outcome.status === 'skipped') return { key: '-', dateSource: `Skipped (${outcome.reason}${outcome.detail ? `: ${outcome.detail}` : ''})` };
  const { dir } = split(result.row.path);
  return { key: outcome.targetKey.slice(dir.length + 1), dateSource: outcome.dateSource };
}

function keyMatches(result: Result): boolean {
  const actual = got(result);
  return result.row.acceptable.some(
    (candidate) =>
      candidate.expectedKey === actual.key &&
      (candidate.expectedKey === '-' ? result.outcome?.status === 'skipped' : candidate.dateSource === actual.dateSource),
  );
}

function table(lines: readonly (readonly string[])[]): string {
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  return lines.map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}

describe.skipIf(!corpus)('real-media corpus: upload -> organize matches the policy table', () => {
  let s3: LocalS3;
  let client: S3Client;
  let metadataReader: MetadataReader;
  let results: Result[];

  beforeAll(async () => {
    // Prepare: a local S3 with every corpus file under incoming/<source-dir>/<name>.
    const corpusDir = corpus!;
    const rows = expectedRows(corpusDir, new Date());
    s3 = await startLocalS3({ buckets: ['source', 'dest'] });
    client = s3.client();
    const exiftool = pinnedExiftool();
    metadataReader = createMetadataReader({
      mode: 'random-access',
      exiftool: { perlPath: exiftool.perl, exiftoolLibDir: exiftool.libDir, exiftoolScriptPath: exiftool.script },
    });
    const configurations = new Map<string, Configuration>();
    const configurationFor = (dir: string): Configuration => {
      // One destination prefix per source dir: two collections may hold one file name on one day,
      // and the organizer would then (rightly) number the second copy.
      let configuration = configurations.get(dir);
      if (!configuration) {
        configuration = loadConfiguration({
          DESTINATION_BUCKET: 'dest',
          DESTINATION_PREFIX: `${dir}/`,
          SOURCE_PREFIX: 'incoming/',
          EXIFTOOL_PERL: exiftool.perl,
          EXIFTOOL_LIB: exiftool.libDir,
          EXIFTOOL_SCRIPT: exiftool.script,
        });
        configurations.set(dir, configuration);
      }
      return configuration;
    };

    // Act: upload and organize each file, four at a time, with one warm exiftool.
    results = await mapPool(rows, CONCURRENCY, async (row): Promise<Result> => {
      const { dir, name } = split(row.path);
      const key = `incoming/${dir}/${name}`;
      const bytes = await readFile(path.join(corpusDir, row.path));
      await client.send(new PutObjectCommand({ Bucket: 'source', Key: key, Body: bytes }));
      let outcome: Outcome;
      try {
        outcome = await organizeObject(
          { bucket: 'source', key },
          { client, configuration: configurationFor(dir), metadataReader, logger: silentLogger },
          {},
        );
      } catch (error) {
        return { row, outcome: undefined, error: String(error), md5Matches: undefined, storedDateSource: undefined, storedDateTag: undefined };
      }
      if (outcome.status !== 'organized') {
        return { row, outcome, error: undefined, md5Matches: undefined, storedDateSource: undefined, storedDateTag: undefined };
      }
      const stored = await client.send(new GetObjectCommand({ Bucket: 'dest', Key: outcome.targetKey }));
      const storedBytes = await stored.Body!.transformToByteArray();
      return {
        row,
        outcome,
        error: undefined,
        md5Matches: md5(storedBytes) === md5(bytes),
        storedDateSource: stored.Metadata?.['date-source'],
        storedDateTag: stored.Metadata?.['date-tag'] ? decodeURIComponent(stored.Metadata['date-tag']) : undefined,
      };
    });
  }, 300_000);

  afterAll(async () => {
    await metadataReader?.close();
    await s3?.stop();
  });

  it('files every corpus file under the key and date source of the expected table', () => {
    // Assess: all mismatches at once, so a reviewer sees every one.
    const isKnownException = (result: (typeof results)[number]) => {
      const known = KNOWN_KEY_EXCEPTIONS[result.row.path];
      const actual = got(result);
      return known !== undefined && actual.key === known.key && actual.dateSource === known.dateSource;
    };
    const mismatches = results.filter((result) => !keyMatches(result) && !isKnownException(result));
    // An exception that no longer happens must be removed from the list.
    const resolved = Object.keys(KNOWN_KEY_EXCEPTIONS).filter((known) => results.some((result) => result.row.path === known && keyMatches(result)));
    expect(resolved).toEqual([]);
    if (mismatches.length > 0) {
      const lines = mismatches.map((result) => {
        const actual = got(result);
        return [result.row.path, `${result.row.expectedKey} (${result.row.dateSource})`, actual.key, actual.dateSource, result.storedDateTag ?? ''];
      });
      console.error(`${mismatches.length} corpus file(s) filed differently from test/corpus/expected.tsv:\n${table([['path', 'expected (date_source)', 'got', 'dateSource', 'date-tag'], ...lines])}`);
    }
    expect(results).toHaveLength(readCorpusTable(corpus!, 'manifest.tsv').length);
    expect(mismatches.map((result) => result.row.path)).toEqual([]);
  });

  it('copies the bytes unchanged and records the date source on the copy', () => {
    const organized = results.filter((result) => result.outcome?.status === 'organized');
    const problems = organized
      .filter((result) => !result.md5Matches || result.storedDateSource !== (result.outcome as { dateSource: string }).dateSource)
      .map((result) => `${result.row.path}: md5 ${result.md5Matches ? 'same' : 'DIFFERENT'}, date-source metadata ${result.storedDateSource}`);
    expect(organized.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('fetches at most the blocks exiftool needs plus the head, the format\'s tail and the read-to-end window', () => {
    const over = results
      .filter((result) => result.outcome?.status === 'organized' && result.outcome.bytesFetched > result.row.byteBound)
      .map((result) => {
        const fetched = result.outcome?.status === 'organized' ? result.outcome.bytesFetched : 0;
        return { path: result.row.path, fetched, bound: result.row.byteBound, touched: result.row.blocksTouched };
      });
    if (over.length > 0) console.error(`bytes fetched over the bound:\n${table([['path', 'fetched', 'bound', 'blocks touched'], ...over.map((entry) => [entry.path, String(entry.fetched), String(entry.bound), String(entry.touched)])])}`);
    expect(over).toEqual([]);
  });
});
