import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The architecture rules (.dependency-cruiser.cjs at the repository root, run by `make test` as
// `pnpm run architecture`) must pass on the real tree and must fail on a tree that breaks them.
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const config = path.join(root, '.dependency-cruiser.cjs');

async function cruise(cwd: string, targets: readonly string[]): Promise<{ rule: string; from: string; to: string }[]> {
  const result = await run(process.execPath, [depcruise, '--config', config, '--output-type', 'json', ...targets], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout: string }) => error,
  );
  const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((violation) => ({ rule: violation.rule.name, from: violation.from, to: violation.to }));
}

describe('architecture rules', () => {
  it('hold for the organizer and every package', async () => {
    expect(await cruise(root, ['packages', 'bench', 'layer-build', 'infra', 'test-fixtures'])).toEqual([]);
  });

  it('catch a core that imports an adapter, the AWS SDK or node:fs, an adapter importing the CLI, and a package reaching into another src/', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'architecture-'));
    try {
      const file = async (relative: string, text: string) => {
        await mkdir(path.dirname(path.join(scratch, relative)), { recursive: true });
        await writeFile(path.join(scratch, relative), text);
      };
      await copyFile(path.join(root, 'tsconfig.base.json'), path.join(scratch, 'tsconfig.base.json'));
      await file('packages/organizer/src/cli/main.ts', 'export const main = 1;\n');
      await file('packages/organizer/src/s3/client.ts', "import { main } from '../cli/main.js';\nexport const client = main;\n");
      await file('layer-build/src/zip-writer.ts', 'export const writeZip = 1;\n');
      await file(
        'packages/organizer/src/core/plan.ts',
        [
          "import type { S3Client } from '@aws-sdk/client-s3';",
          "import { readFileSync } from 'node:fs';",
          "import { client } from '../s3/client.js';",
          "import { writeZip } from '../../../../layer-build/src/zip-writer.ts';",
          'export const all: unknown[] = [readFileSync, client, writeZip, undefined as S3Client | undefined];',
        ].join('\n'),
      );

      const rules = new Set((await cruise(scratch, ['packages', 'layer-build'])).map((violation) => violation.rule));

      expect([...rules].sort()).toEqual([
        'adapters-import-no-entry-point',
        'core-does-no-io',
        'core-imports-no-adapter',
        'core-imports-no-aws-sdk',
        'no-other-package-src',
        'not-to-unresolvable',
      ]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
