import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Runs the script behind `make demo` end to end (local S3, real events, the built bundle under
// aws-lambda-ric) and checks what it prints against the fixtures' expected keys.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const demo = path.join(repoRoot, 'packages/demo/dist/demo.js');

interface Fixture {
  readonly file: string;
  readonly key: string | null;
  readonly dateSource: string;
}

describe('make demo', () => {
  it('organizes every sample, prints the table and the tree, and exits on its own (nothing left running)', async () => {
    const expected = JSON.parse(await readFile(path.join(repoRoot, 'test-fixtures/expected.json'), 'utf8')) as Fixture[];
    const dataDir = await mkdtemp(path.join(tmpdir(), 'demo-test-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [demo, '--json', '--data-dir', dataDir], { timeout: 120_000 });
      const report = JSON.parse(stdout) as {
        rows: { source: string; target: string; dateSource: string; dateFrom: string; duplicate: boolean; fetched: string }[];
        counts: { files: number; organized: number; undated: number; skipped: number; duplicates: number };
        destination: string[];
        failures: unknown[];
      };
      expect(report.failures).toEqual([]);
      for (const fixture of expected) {
        const name = path.basename(fixture.file);
        const row = report.rows.find((item) => item.source === name);
        expect(row, name).toBeDefined();
        if (fixture.key === null) {
          expect(row!.target, name).toMatch(/^\(left in place: /);
        } else {
          expect(row!.target, name).toBe(fixture.key);
          expect(row!.dateSource, name).toBe(fixture.dateSource);
          // Plain words for a photographer, not the policy's tag names.
          expect(row!.dateFrom, name).not.toBe(fixture.dateSource);
          expect(report.destination, name).toContain(fixture.key);
        }
      }
      const large = report.rows.find((item) => item.source === 'large/IMG_LARGE_64MiB.jpg');
      expect(large?.target).toBe('2019-07-15/IMG_LARGE_64MiB.jpg');
      // A few blocks of a 64 MiB photo, not the photo.
      expect(large?.fetched).toMatch(/^\d+(\.\d)? KiB \/ 64\.0 MiB$/);

      // The same photo uploaded from two folders: filed once, the other marked as a duplicate.
      const twins = report.rows.filter((item) => item.source === 'DSC_0001.JPG' || item.source === 'phone-backup/DSC_0001.JPG');
      expect(twins.map((item) => item.target)).toEqual(['2010-10-10/DSC_0001.JPG', '2010-10-10/DSC_0001.JPG']);
      expect(twins.filter((item) => item.duplicate)).toHaveLength(1);
      expect(report.destination.filter((key) => key.endsWith('DSC_0001.JPG'))).toEqual(['2010-10-10/DSC_0001.JPG']);

      const undated = expected.filter((fixture) => fixture.key?.startsWith('undated/')).length;
      const skipped = expected.filter((fixture) => fixture.key === null).length;
      // Issue 18: one group of each kind (test-fixtures/companions.json), every file under its group's
      // key. Which member of a Takeout pair reports "already there" depends on the order events
      // ran, so organized and duplicates are counted together.
      const companions = JSON.parse(await readFile(path.join(repoRoot, 'test-fixtures/companions.json'), 'utf8')) as {
        groups: { files: string[]; keys: string[] }[];
        skipped: string[];
      };
      const shownFile = (file: string) => !/^(lone|other)\//.test(file);
      const shown = companions.groups.filter((group) => group.files.every(shownFile));
      for (const group of shown) {
        group.files.forEach((file, index) => expect(report.rows.find((row) => row.source === `companions/${file}`)?.target, file).toBe(group.keys[index]));
      }
      const companionFiles = shown.flatMap((group) => group.files).length;
      const companionSkipped = companions.skipped.filter(shownFile).length;
      expect({ ...report.counts, organized: report.counts.organized + report.counts.duplicates, duplicates: 0 }).toEqual({
        files: expected.length + 2 + companionFiles + companionSkipped,
        organized: expected.length - undated - skipped + 1 + 1 + companionFiles,
        undated,
        skipped: skipped + companionSkipped,
        duplicates: 0,
      });
      expect(report.counts.duplicates).toBeGreaterThanOrEqual(1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a --data-dir that holds files it did not create, and leaves them alone', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'demo-not-ours-'));
    try {
      await writeFile(path.join(dataDir, 'keep-me.txt'), 'precious');
      const run = promisify(execFile)(process.execPath, [demo, '--data-dir', dataDir], { timeout: 60_000 });
      const error = await run.then(
        () => undefined,
        (failure: { code: number; stderr: string }) => failure,
      );
      expect(error?.code).toBe(1);
      expect(error?.stderr).toMatch(/is not empty and was not created by the demo/);
      expect(await readFile(path.join(dataDir, 'keep-me.txt'), 'utf8')).toBe('precious');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
