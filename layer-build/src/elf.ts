import { openSync, readSync, closeSync } from 'node:fs';
import { execa } from 'execa';

/** What an ELF file asks of the dynamic loader. */
export interface ElfRequirements {
  /** Shared libraries from the dynamic section (`NEEDED`). */
  readonly needed: readonly string[];
  /** Symbol versions from `.gnu.version_r`, e.g. `GLIBC_2.29`. */
  readonly versionNeeds: readonly string[];
}

/** True when the file starts with the ELF magic number. */
export function isElf(file: string): boolean {
  const descriptor = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    return readSync(descriptor, magic, 0, 4, 0) === 4 && magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Reads an ELF file's requirements with `readelf` (binutils): it parses the file, so it works
 * for any architecture, unlike `ldd`, which runs the loader.
 */
export async function readElfRequirements(file: string): Promise<ElfRequirements> {
  const { stdout } = await execa('readelf', ['--wide', '--dynamic', '--version-info', file], { env: { LC_ALL: 'C' } });
  const needed = [...stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((match) => match[1] ?? '');
  const versionSection = stdout.split(/Version needs section/)[1] ?? '';
  const versionNeeds = [...versionSection.matchAll(/Name: (\S+)\s+Flags:/g)].map((match) => match[1] ?? '');
  return { needed, versionNeeds };
}

/** Compares `GLIBC_2.29`-style versions: negative when a is older. */
export function compareGlibcVersions(a: string, b: string): number {
  const parse = (version: string): number[] => version.replace(/^GLIBC_/, '').split('.').map(Number);
  const [left, right] = [parse(a), parse(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
