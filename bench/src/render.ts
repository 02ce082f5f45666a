// Re-renders results/<name>.{md,svg} and the README block from results/<name>.json, without
// measuring again (for changes to the report's layout). Usage: node src/render.ts [latest|quick]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, updateReadme, writeReport, type Summary } from './report.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const baseName = process.argv[2] ?? 'latest';
const results = path.resolve(here, '../results');
const parsed = JSON.parse(await readFile(path.join(results, `${baseName}.json`), 'utf8')) as Summary;
// Figures are recomputed from the raw per-object records; the run's facts (date, machine) are kept.
const run = { ...parsed.run, date: new Date(parsed.run.date), finished: new Date(parsed.run.finished) };
const recomputed = summarize(parsed.raw, run);
const summary: Summary = { ...recomputed, run };
await writeReport(summary, results, baseName);
if (baseName === 'latest') await updateReadme(summary, path.resolve(here, '../README.md'), 'results/latest.svg');
