// (1) glibc needs read from the ELF files, (5) size budget, plus reproducibility and modes.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildLayerZip, checkLayerCompatibility, LAYER_ARCHITECTURES, PACKAGE_ROOT, RUNTIME_GLIBC, treeSize } from '../src/build-layer.ts';
import { compareGlibcVersions } from '../src/elf.ts';
import { ensureLayerZip, unzipLayer } from './layer-fixtures.ts';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const MB = 1_000_000;

describe.each(LAYER_ARCHITECTURES)('%s layer zip', (architecture) => {
  it(`needs at most ${RUNTIME_GLIBC} in every ELF file, and no library the runtime lacks`, async () => {
    // Prepare
    const tree = await unzipLayer(architecture);
    try {
      // Act
      const { highestGlibc, elfFiles, problems } = await checkLayerCompatibility(tree);
      // Assess
      expect(elfFiles).toEqual(expect.arrayContaining(['bin/perl', 'lib/libcrypt.so.1', 'lib/perl5/auto/POSIX/POSIX.so']));
      expect(problems).toEqual([]);
      expect(compareGlibcVersions(highestGlibc, RUNTIME_GLIBC)).toBeLessThanOrEqual(0);
      const { stdout } = await execa('readelf', ['--file-header', path.join(tree, 'bin/perl')]);
      expect(stdout).toContain(architecture === 'x86_64' ? 'Advanced Micro Devices X86-64' : 'AArch64');
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('fits the size budget (zip <= 8 MB, unzipped <= 30 MB) and the README states the sizes', async () => {
    // Prepare
    const zip = await ensureLayerZip(architecture);
    const tree = await unzipLayer(architecture);
    try {
      // Act
      const zipped = statSync(zip).size;
      const unzipped = treeSize(tree);
      // Assess
      expect(zipped).toBeLessThanOrEqual(8 * MB);
      expect(unzipped).toBeLessThanOrEqual(30 * MB);
      const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
      expect(readme).toContain(`| ${architecture} | ${(zipped / MB).toFixed(1)} MB | ${(unzipped / MB).toFixed(1)} MB |`);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('keeps executable bits and fixed timestamps', async () => {
    // Act
    const { stdout } = await execa('unzip', ['-Z', '-T', await ensureLayerZip(architecture)]);
    const entries = stdout.split('\n').filter((line) => /^[-d]r/.test(line));
    const mode = (name: string): string | undefined => entries.find((line) => line.endsWith(` ${name}`))?.split(/\s+/)[0];
    // Assess
    expect(mode('bin/perl')).toBe('-rwxr-xr-x');
    expect(mode('bin/exiftool')).toBe('-rwxr-xr-x');
    expect(mode('lib/perl5/Image/ExifTool.pm')).toBe('-rw-r--r--');
    expect(entries.every((line) => line.includes(' 19800101.000000 '))).toBe(true);
  });
});

describe('reproducibility', () => {
  it('gives a byte-identical zip when built twice from the same inputs', async () => {
    // Prepare
    const first = mkdtempSync(path.join(os.tmpdir(), 'layer-repro-a-'));
    const second = mkdtempSync(path.join(os.tmpdir(), 'layer-repro-b-'));
    try {
      // Act
      const a = await buildLayerZip({ architecture: 'x86_64', outputDir: first });
      const b = await buildLayerZip({ architecture: 'x86_64', outputDir: second });
      // Assess
      expect(a.zipBytes).toBeGreaterThan(1 * MB);
      expect(sha256(b.zipFile)).toBe(sha256(a.zipFile));
    } finally {
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    }
  });
});
