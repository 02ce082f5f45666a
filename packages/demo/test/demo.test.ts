import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
        rows: { source: string; target: string; dateSource: string; fetched: string }[];
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
          expect(report.destination, name).toContain(fixture.key);
        }
      }
      const large = report.rows.find((item) => item.source === 'large/IMG_LARGE_64MiB.jpg');
      expect(large?.target).toBe('2019-07-15/IMG_LARGE_64MiB.jpg');
      // A few blocks of a 64 MiB photo, not the photo.
      expect(large?.fetched).toMatch(/^\d+(\.\d)? KiB \/ 64\.0 MiB$/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
