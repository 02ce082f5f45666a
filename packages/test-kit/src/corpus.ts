import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Environment variable that overrides where the real-media corpus is.
 *
 * @example
 * ```sh
 * PHOTO_ORGANIZER_CORPUS=/data/corpus pnpm test
 * ```
 */
export const CORPUS_ENV = 'PHOTO_ORGANIZER_CORPUS';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Finds ../shared/corpus (relative to the repository root) or the directory named by
 * `PHOTO_ORGANIZER_CORPUS`. Returns `undefined` when it is absent: suites then skip and say so.
 * (Test set-up, not a library: reading the environment here is the point.)
 *
 * @returns the corpus directory (holding `manifest.tsv`), or undefined
 * @example
 * ```ts
 * const corpus = findCorpus();
 * describe.skipIf(!corpus)(corpus ? 'corpus' : CORPUS_MISSING, () => { ... });
 * ```
 */
export function findCorpus(): string | undefined {
  const fromEnv = process.env[CORPUS_ENV];
  const candidates = fromEnv ? [fromEnv] : [path.resolve(repoRoot, '../shared/corpus')];
  return candidates.find((dir) => existsSync(path.join(dir, 'manifest.tsv')));
}

/**
 * The message a suite prints when it skips for lack of the corpus.
 *
 * @example
 * ```ts
 * if (!findCorpus()) console.warn(CORPUS_MISSING);
 * ```
 */
export const CORPUS_MISSING = `real-media corpus not found (looked at ../shared/corpus; set ${CORPUS_ENV}): suite skipped`;

/**
 * One row of a corpus TSV file: cell text by column name.
 *
 * @example
 * ```ts
 * const row: TsvRow = { file: 'a.jpg', expected_date: '2019-07-15' };
 * ```
 */
export type TsvRow = Readonly<Record<string, string>>;

/**
 * Parses one of the corpus's TSV files (`manifest.tsv`, `bytes_needed.tsv`, `hard_cases.tsv`).
 *
 * @throws {Error} the `readFileSync` error (ENOENT...) when the file is missing
 * @example
 * ```ts
 * const rows = readCorpusTable(corpus, 'manifest.tsv');
 * ```
 */
export function readCorpusTable(corpus: string, name: string): TsvRow[] {
  const [header, ...lines] = readFileSync(path.join(corpus, name), 'utf8').split('\n').filter((line) => line.length > 0);
  const columns = (header ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? '']));
  });
}
