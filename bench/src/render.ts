// Re-renders results/<name>.{md,svg} and the README block from results/<name>.json, without
// measuring again (for changes to the report's layout). Usage: node src/render.ts [latest|quick]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { updateReadme, writeReport, type Summary } from './report.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const baseName = process.argv[2] ?? 'latest';
const results = path.resolve(here, '../results');
const parsed = JSON.parse(await readFile(path.join(results, `${baseName}.json`), 'utf8')) as Summary;
const summary: Summary = { ...parsed, run: { ...parsed.run, date: new Date(parsed.run.date), finished: new Date(parsed.run.finished) } };
await writeReport(summary, results, baseName);
if (baseName === 'latest') await updateReadme(summary, path.resolve(here, '../README.md'), 'results/latest.svg');
