/**
 * `make reliability`: the full run. 2,000 uploads through the faulty stack, every hostile input
 * (the 6 GB object included), the security checks; prints the table, writes results/latest.*,
 * exits 1 when anything was lost, overwritten or hung.  `--uploads N` and `--no-six-gb` shorten it.
 */
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { damagedCorpusCases, generatedCases, makeSparseCase, runHostile, withScratch } from './hostile-inputs.ts';
import { verdict, writeResults } from './report.ts';
import { runSecurityCheck, shellUsesInSource } from './security.ts';
import { runSoak } from './soak.ts';

const argv = process.argv.slice(2);
const uploadsIndex = argv.indexOf('--uploads');
const uploads = uploadsIndex >= 0 ? Number(argv[uploadsIndex + 1]) : 2000;
const log = (line: string) => console.log(`[reliability] ${line}`);

log(`soak: ${uploads} uploads`);
const soak = await runSoak({ uploads, log });
log('hostile inputs');
const hostile = await withScratch(async (directory) => {
  const cases = [...damagedCorpusCases(), ...generatedCases()];
  // The 6 GB object is stored three times over by the local server (parts, object, copy).
  const { bavail, bsize } = await statfs(tmpdir());
  if (!argv.includes('--no-six-gb') && bavail * bsize > 24 * 1024 ** 3) cases.push(await makeSparseCase(directory));
  else log('6 GB object skipped (--no-six-gb or less than 24 GiB free in the temp dir)');
  return runHostile({ cases, log });
});
log('security');
const security = [await runSecurityCheck('random-access'), await runSecurityCheck('stream')];
const figures = { soak, hostile, security, shellUses: shellUsesInSource() };
const markdown = await writeResults(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results'), figures);
console.log(markdown);
const result = verdict(figures);
const bad = Object.entries(result).filter(([, count]) => count > 0);
if (bad.length > 0) {
  console.error(`reliability: FAILED ${bad.map(([name, count]) => `${name}=${count}`).join(' ')}`);
  process.exit(1);
}
console.log('reliability: lost = 0, overwritten = 0, hung = 0');
