import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { LayerBuildError } from './errors.ts';

/** One pinned Debian package file, as written in `debian-packages.lock`. */
export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  /** Debian architecture: `amd64`, `arm64` or `all`. */
  readonly architecture: string;
  readonly sha256: string;
  readonly url: string;
}

/** The Debian packages the layer is made of (their names; versions live in the lock). */
export const LAYER_PACKAGES = ['perl-base', 'libperl5.32', 'perl-modules-5.32', 'libcrypt1', 'zlib1g', 'libbz2-1.0'] as const;

/**
 * Not shipped: bullseye's glibc 2.31, the sysroot the tests run the layer on (qemu-aarch64 needs
 * an arm64 loader; on x86_64 it proves the layer also runs on a glibc older than the runtime's).
 */
export const SYSROOT_PACKAGES = ['libc6'] as const;

/**
 * Parses `debian-packages.lock`: tab-separated `name version architecture sha256 url`,
 * `#` comments.
 */
export function readLock(lockPath: string): LockedPackage[] {
  return readFileSync(lockPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line, index) => {
      const [name, version, architecture, sha256, url] = line.split('\t');
      if (!name || !version || !architecture || !sha256 || !/^[0-9a-f]{64}$/.test(sha256) || !url) {
        throw new LayerBuildError(`${lockPath}: entry ${index + 1} is not "name version architecture sha256 url": ${line}`);
      }
      return { name, version, architecture, sha256, url };
    });
}

/** The lock entries a layer of one Debian architecture needs (its own plus `all`). */
export function packagesFor(
  lock: readonly LockedPackage[],
  debianArchitecture: string,
  names: readonly string[] = LAYER_PACKAGES,
): LockedPackage[] {
  const wanted = lock.filter((entry) => names.includes(entry.name) && (entry.architecture === debianArchitecture || entry.architecture === 'all'));
  for (const name of names) {
    if (!wanted.some((entry) => entry.name === name)) {
      throw new LayerBuildError(`debian-packages.lock has no ${name} for ${debianArchitecture}: run \`pnpm run update-lock\``);
    }
  }
  return wanted;
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Returns the path of the verified `.deb` in `cacheDir`, downloading it first when needed.
 * The SHA-256 in the lock is checked on every use, cached or not.
 */
export async function fetchPackage(entry: LockedPackage, cacheDir: string): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `${entry.name}_${entry.version.replace(/^\d+:/, '')}_${entry.architecture}.deb`);
  const label = `${entry.name} ${entry.version} (${entry.architecture})`;
  if (existsSync(file)) {
    if (sha256Of(readFileSync(file)) === entry.sha256) return file;
  }
  let bytes: Uint8Array;
  try {
    const response = await fetch(entry.url, { signal: AbortSignal.timeout(120_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new LayerBuildError(
      `cannot download Debian package ${label} from ${entry.url}: ${(error as Error).message}. ` +
        'If the mirror dropped this version, run `pnpm --filter @photo-organizer/layer-build run update-lock` and rebuild.',
      { cause: error },
    );
  }
  const actual = sha256Of(bytes);
  if (actual !== entry.sha256) {
    throw new LayerBuildError(`Debian package ${label} from ${entry.url} has SHA-256 ${actual}, the lock pins ${entry.sha256}`);
  }
  writeFileSync(`${file}.partial`, bytes);
  renameSync(`${file}.partial`, file);
  return file;
}

/** Unpacks a `.deb`'s files into `destination` with `dpkg-deb -x`. */
export async function extractPackage(debFile: string, destination: string): Promise<void> {
  mkdirSync(destination, { recursive: true });
  await execa('dpkg-deb', ['-x', debFile, destination]);
}
