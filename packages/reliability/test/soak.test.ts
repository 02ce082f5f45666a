import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS_MISSING, findCorpus } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageGaps, problemLines } from '../src/report.ts';
import { runSoak, type SoakResult } from '../src/soak.ts';

// The short CI version of `make reliability`'s soak: the same code, two seeds of 120 uploads (move
// mode with sidecars, then copy mode) instead of three of 700. Nothing is mocked: local S3 server,
// its events, the built bundle under aws-lambda-ric, the fault proxy in front of the function.
const corpus = findCorpus();
if (!corpus) console.warn(CORPUS_MISSING);

describe.skipIf(!corpus)('soak: re-uploads and deletes while processing, faults on every request kind, Lambda retries, move and copy', () => {
  const soaks: SoakResult[] = [];
  beforeAll(async () => {
    soaks.push(await runSoak({ uploads: 120, seed: 7, move: true, sidecar: true }));
    soaks.push(await runSoak({ uploads: 120, seed: 8 }));
  }, 300_000);
  // A problem here is timing-dependent and CI keeps only the end of its log: the problems and their
  // evidence go to a file that scripts/run-tests.sh prints just before its summary line.
  afterAll(async () => {
    const problems = problemLines(soaks);
    if (problems.length === 0) return;
    const evidence = Object.entries(soaks.at(-1)?.evidence ?? {}).concat(soaks.length > 1 ? Object.entries(soaks[0]!.evidence) : []);
    const directory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../.tools/logs/test-evidence');
    await mkdir(directory, { recursive: true });
    // The problems last: the end of the log is what CI shows.
    const text = [
      ...evidence.flatMap(([key, lines]) => [`evidence for ${key}:`, ...lines.slice(0, 30).map((line) => `  ${line}`)]),
      `soak problems (${problems.length}):`,
      ...problems.slice(0, 20),
    ].join('\n');
    await writeFile(path.join(directory, 'reliability-soak.txt'), `${text}\n`);
  });
  const all = <T>(pick: (soak: SoakResult) => readonly T[]) => soaks.flatMap((soak) => pick(soak).map((item) => `seed ${soak.seed}: ${String(item)}`));

  it('exercised what it claims: both modes, user re-uploads and deletes mid-flight, faults on every kind sent, >= 10% Lambda retries', () => {
    expect(coverageGaps(soaks)).toEqual([]);
    for (const soak of soaks) {
      expect(soak.faultsByKind.HEAD).toBeGreaterThan(0);
      expect(soak.faultsByKind.COPY).toBeGreaterThan(0);
      expect(soak.faultsByKind.PutObject + soak.faultsByKind.DeleteObject + soak.faultsByKind.CreateMultipartUpload).toBeGreaterThan(0);
      expect(soak.duplicatesDelivered).toBe(soak.versionsUploaded);
      expect(soak.reordered).toBeGreaterThan(0);
      expect(soak.collisions).toBeGreaterThan(0);
    }
    expect(soaks[0]!.requestsByKind.DeleteObject).toBeGreaterThan(0);
  });

  it('loses no byte: every version uploaded is in the library byte-identical, still in the source, or gone for a reason S3 confirms', () => {
    expect(all((soak) => soak.lost)).toEqual([]);
    expect(all((soak) => soak.mismatched)).toEqual([]);
    expect(all((soak) => soak.unverifiedSkips)).toEqual([]);
  });

  it('makes one copy per version and overwrites nothing in the library, sidecars included', () => {
    // Every copy is conditional on the source's ETag, and the local server copies one version whole
    // (test-kit README): a copy whose bytes are not the version it names is a defect either side.
    for (const soak of soaks) expect(soak.unconditionalCopies).toBe(0);
    expect(all((soak) => soak.duplicated)).toEqual([]);
    expect(all((soak) => [...soak.duplicatedByCopySourceRace, ...soak.mismatchedByCopySourceRace])).toEqual([]);
    expect(all((soak) => soak.overwritten)).toEqual([]);
    expect(all((soak) => soak.sidecarsOverwritten)).toEqual([]);
    expect(all((soak) => soak.sidecarProblems)).toEqual([]);
  });

  it('keeps both photos of a same-name burst, as name.ext and name-N.ext', () => {
    expect(all((soak) => soak.collisionProblems)).toEqual([]);
  });

  it('names the source and the reason of everything in the failure queue', () => {
    for (const failure of soaks.flatMap((soak) => soak.failureQueue)) expect(failure.reason).toMatch(/\S+: .*s3:\/\/uploads\//);
  });

  it('never hangs and stays within the configured memory', () => {
    for (const soak of soaks) {
      expect(soak.hung).toBe(0);
      expect(soak.crashes).toBe(0);
      expect(soak.peakRssBytes).toBeLessThan(soak.memorySizeMb * 1024 * 1024);
    }
  });
});
