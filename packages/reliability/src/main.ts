/**
 * `make reliability`: the full run. One soak per seed (700 uploads each, seeds 1,2,3; move mode and
 * sidecars on for the 1st, 3rd, ... seed, copy mode for the others), every hostile input (the 6 GB
 * object included), the security checks; prints the tables, writes results/latest.*, exits 1 when
 * anything was lost, overwritten, duplicated or hung, or the soak missed what it must exercise.
 * `--uploads N` (per seed), `--seeds 4,5`, `--soak-only` and `--no-six-gb` shorten or vary it.
 */
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { damagedCorpusCases, generatedCases, makeSparseCase, PRODUCTION_EXIFTOOL_TIMEOUT_MS, runHostile, withScratch } from './hostile-inputs.ts';
import { renderMarkdown, verdict, writeResults } from './report.ts';
import { runSecurityCheck, shellUsesInSource } from './security.ts';
import { runSoak } from './soak.ts';

const argv = process.argv.slice(2);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const uploads = Number(option('--uploads') ?? 700);
const seeds = (option('--seeds') ?? '1,2,3').split(',').map(Number);
if (!Number.isInteger(uploads) || uploads < 1 || seeds.some((seed) => !Number.isInteger(seed))) {
  console.error('usage: reliability [--uploads N (per seed)] [--seeds 1,2,3] [--soak-only] [--no-six-gb]');
  process.exit(2);
}
const soakOnly = argv.includes('--soak-only');
const log = (line: string) => console.log(`[reliability] ${line}`);

const soaks = [];
for (const [index, seed] of seeds.entries()) {
  const move = index % 2 === 0;
  log(`soak, seed ${seed}: ${uploads} uploads, ${move ? 'move mode with sidecars' : 'copy mode'}`);
  const soak = await runSoak({ uploads, seed, move, sidecar: move, log });
  for (const [key, lines] of Object.entries(soak.evidence)) log(`evidence for ${key}:\n  ${lines.slice(0, 40).join('\n  ')}`);
  soaks.push(soak);
}
log(soakOnly ? 'hostile inputs skipped (--soak-only)' : 'hostile inputs');
const hostile = await withScratch(async (directory) => {
  if (soakOnly) return runHostile({ cases: [] });
  const cases = [...damagedCorpusCases(), ...generatedCases()];
  // The 6 GB object is stored three times over by the local server (parts, object, copy).
  const { bavail, bsize } = await statfs(tmpdir());
  if (!argv.includes('--no-six-gb') && bavail * bsize > 24 * 1024 ** 3) cases.push(await makeSparseCase(directory));
  else log('6 GB object skipped (--no-six-gb or less than 24 GiB free in the temp dir)');
  return runHostile({ cases, log });
});
log(`the deflate bomb again, with the function's default exiftool timeout (${PRODUCTION_EXIFTOOL_TIMEOUT_MS} ms)`);
const bombAtDefaultTimeout = soakOnly
  ? undefined
  : await runHostile({ cases: generatedCases().filter((item) => item.name.startsWith('PNG deflate bomb')), exiftoolTimeoutMs: PRODUCTION_EXIFTOOL_TIMEOUT_MS, log });
log('security');
const security = soakOnly ? [] : [await runSecurityCheck('random-access'), await runSecurityCheck('stream')];
const figures = { soaks, hostile, ...(bombAtDefaultTimeout ? { bombAtDefaultTimeout } : {}), security, shellUses: shellUsesInSource() };
const command = `pnpm --filter @photo-organizer/reliability run reliability ${argv.join(' ')}`.trim();
// A shortened run prints its tables but leaves results/latest.* to full runs.
const full = !soakOnly && option('--uploads') === undefined && option('--seeds') === undefined;
const markdown = full ? await writeResults(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results'), figures, argv.length === 0 ? 'make reliability' : command) : renderMarkdown(figures, new Date(), command);
console.log(markdown);
const result = verdict(figures);
const bad = Object.entries(result).filter(([, count]) => count > 0);
if (bad.length > 0) {
  console.error(`reliability: FAILED ${bad.map(([name, count]) => `${name}=${count}`).join(' ')}`);
  process.exit(1);
}
console.log('reliability: lost = 0, overwritten = 0, duplicated = 0, hung = 0');
