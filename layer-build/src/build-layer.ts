import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LayerBuildError, LayerCompatibilityError } from './errors.ts';
import { extractPackage, fetchPackage, packagesFor, readLock } from './debian-packages.ts';
import { compareGlibcVersions, isElf, readElfRequirements } from './elf.ts';
import { writeZip, type ZipEntry } from '@photo-organizer/reproducible-zip';

/** Lambda architectures the layer is built for. */
export type LayerArchitecture = 'x86_64' | 'arm64';
export const LAYER_ARCHITECTURES: readonly LayerArchitecture[] = ['x86_64', 'arm64'];

const DEBIAN = {
  x86_64: { architecture: 'amd64', triplet: 'x86_64-linux-gnu' },
  arm64: { architecture: 'arm64', triplet: 'aarch64-linux-gnu' },
} as const;

/** glibc of the Lambda Node.js runtimes (Amazon Linux 2023). */
export const RUNTIME_GLIBC = 'GLIBC_2.34';

/** Libraries the runtime's glibc provides; anything else an ELF needs must be in the layer's lib/. */
export const RUNTIME_LIBRARIES = new Set([
  'libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1', 'libutil.so.1', 'libresolv.so.2',
  'ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1',
]);

/** The line that makes perl search only the layer (Debian's compiled-in paths do not exist on Lambda). */
export const INC_LINE = "BEGIN { @INC = ('/opt/lib/perl5') }";

export const PACKAGE_ROOT = path.resolve(import.meta.dirname, '..');

export interface BuildLayerOptions {
  readonly architecture: LayerArchitecture;
  /** Directory the unzipped layer tree is written to (emptied first). */
  readonly treeDir: string;
  /**
   * Perl core files to keep, relative to lib/perl5 (the lines of modules.txt); `undefined`
   * keeps all of them (the full layer, for deriving the list and for comparing outputs).
   */
  readonly keepPerlFiles?: ReadonlySet<string> | undefined;
  /** @default layer-build/debian-packages.lock */
  readonly lockFile?: string;
  /** Where downloaded .debs and extracted packages are kept. @default layer-build/cache */
  readonly cacheDir?: string;
}

/** Reads modules.txt: one path relative to lib/perl5 a line, `#` comments. */
export function readModuleList(file = path.join(PACKAGE_ROOT, 'modules.txt')): Set<string> {
  return new Set(readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')));
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(path.join(dir, entry.name), relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

function copyWithMode(from: string, to: string, mode?: number): void {
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
  // Only two modes exist in the layer, so the zip does not depend on the umask or the .deb.
  chmodSync(to, mode ?? (statSync(from).mode & 0o111 ? 0o755 : 0o644));
}

/** Paths of the pinned ExifTool (npm exiftool-vendored.pl) and of the driver's server script. */
export function exiftoolSources(): { script: string; libDir: string; version: string; serverScript: string } {
  const require = createRequire(path.join(PACKAGE_ROOT, 'package.json'));
  const script = require('exiftool-vendored.pl') as string;
  const { version } = require('exiftool-vendored.pl/package.json') as { version: string };
  // Through the workspace link of the devDependency (its `exports` hide package.json and perl/).
  const serverScript = path.join(PACKAGE_ROOT, 'node_modules/@photo-organizer/exiftool/perl/exiftool-server.pl');
  if (!existsSync(serverScript)) throw new LayerBuildError(`the driver's server script is missing: ${serverScript}`);
  return { script, libDir: path.join(path.dirname(script), 'lib'), version, serverScript };
}

/**
 * ExifTool files the layer leaves out: documentation, and the 3.3 MB city database that only the
 * Geolocation option (never used by the function) reads.
 */
export function isLeftOutOfExiftool(file: string): boolean {
  return file.endsWith('.pod') || file === 'Image/ExifTool/Geolocation.dat';
}

/** Rewrites a perl script for the layer: `#!/opt/bin/perl` and an @INC of the layer only. */
export function rewriteForLayer(source: string): string {
  const body = source.startsWith('#!') ? source.slice(source.indexOf('\n') + 1) : source;
  return `#!/opt/bin/perl\n${INC_LINE}\n${body}`;
}

/**
 * Assembles the layer tree for one architecture: bin/perl, bin/exiftool, lib/*.so.1,
 * lib/perl5 (Debian's perl library, trimmed to `keepPerlFiles`, plus Image::ExifTool) and
 * lib/photo-organizer/exiftool-server.pl.
 */
export async function buildLayerTree(options: BuildLayerOptions): Promise<void> {
  const { architecture, treeDir, keepPerlFiles } = options;
  const cacheDir = options.cacheDir ?? path.join(PACKAGE_ROOT, 'cache');
  const debian = DEBIAN[architecture];
  const lock = readLock(options.lockFile ?? path.join(PACKAGE_ROOT, 'debian-packages.lock'));
  const rootDir = path.join(cacheDir, 'root', debian.architecture);
  rmSync(rootDir, { recursive: true, force: true });
  for (const entry of packagesFor(lock, debian.architecture)) {
    await extractPackage(await fetchPackage(entry, path.join(cacheDir, 'debs')), rootDir);
  }

  rmSync(treeDir, { recursive: true, force: true });
  mkdirSync(treeDir, { recursive: true });
  copyWithMode(path.join(rootDir, 'usr/bin/perl'), path.join(treeDir, 'bin/perl'), 0o755);
  // Real files under the SONAME: zip has no symlinks worth relying on.
  for (const library of ['libcrypt.so.1', 'libz.so.1', 'libbz2.so.1.0']) {
    copyWithMode(path.join(rootDir, 'lib', debian.triplet, library), path.join(treeDir, 'lib', library), 0o755);
  }

  // Debian's @INC order (perl-base, then libperl's arch dir, then perl-modules): first one wins.
  const perlDirs = [`usr/lib/${debian.triplet}/perl-base`, `usr/lib/${debian.triplet}/perl/5.32.1`, 'usr/share/perl/5.32.1'];
  const perlLib = path.join(treeDir, 'lib/perl5');
  const taken = new Set<string>();
  for (const dir of perlDirs) {
    for (const file of listFiles(path.join(rootDir, dir))) {
      if (taken.has(file) || (keepPerlFiles && !keepPerlFiles.has(file))) continue;
      taken.add(file);
      copyWithMode(path.join(rootDir, dir, file), path.join(perlLib, file));
    }
  }
  if (keepPerlFiles) {
    const missing = [...keepPerlFiles].filter((file) => !taken.has(file));
    if (missing.length > 0) throw new LayerBuildError(`modules.txt names files Debian's perl does not have: ${missing.join(', ')}`);
  }

  const exiftool = exiftoolSources();
  for (const file of listFiles(exiftool.libDir)) {
    if (isLeftOutOfExiftool(file)) continue;
    copyWithMode(path.join(exiftool.libDir, file), path.join(perlLib, file), 0o644);
  }
  writeFileSync(path.join(treeDir, 'bin/exiftool'), rewriteForLayer(readFileSync(exiftool.script, 'utf8')), { mode: 0o755 });
  chmodSync(path.join(treeDir, 'bin/exiftool'), 0o755);
  const server = path.join(treeDir, 'lib/photo-organizer/exiftool-server.pl');
  mkdirSync(path.dirname(server), { recursive: true });
  writeFileSync(server, rewriteForLayer(readFileSync(exiftool.serverScript, 'utf8')));
  chmodSync(server, 0o755);
  writeFileSync(
    path.join(treeDir, 'lib/photo-organizer/VERSIONS'),
    `exiftool ${exiftool.version} (npm exiftool-vendored.pl)\n` +
      packagesFor(lock, debian.architecture).map((entry) => `${entry.name} ${entry.version} ${entry.architecture}\n`).join(''),
  );
  chmodSync(path.join(treeDir, 'lib/photo-organizer/VERSIONS'), 0o644);
}

/** One problem found by {@link checkLayerCompatibility}. */
export interface CompatibilityProblem {
  readonly file: string;
  readonly problem: string;
}

/**
 * Checks every ELF file in the tree: symbol versions at most {@link RUNTIME_GLIBC}, and every
 * NEEDED library either glibc's or shipped in lib/. Returns the highest GLIBC version seen.
 */
export async function checkLayerCompatibility(treeDir: string): Promise<{ highestGlibc: string; elfFiles: string[]; problems: CompatibilityProblem[] }> {
  const shipped = new Set(readdirSync(path.join(treeDir, 'lib')).filter((name) => name.includes('.so')));
  const elfFiles = listFiles(treeDir).filter((file) => isElf(path.join(treeDir, file)));
  const problems: CompatibilityProblem[] = [];
  let highestGlibc = 'GLIBC_2.0';
  for (const file of elfFiles) {
    const { needed, versionNeeds } = await readElfRequirements(path.join(treeDir, file));
    for (const version of versionNeeds.filter((name) => name.startsWith('GLIBC_'))) {
      if (compareGlibcVersions(version, highestGlibc) > 0) highestGlibc = version;
      if (compareGlibcVersions(version, RUNTIME_GLIBC) > 0) problems.push({ file, problem: `needs ${version} (runtime has ${RUNTIME_GLIBC})` });
    }
    for (const library of needed) {
      if (!RUNTIME_LIBRARIES.has(library) && !shipped.has(library)) problems.push({ file, problem: `needs ${library}, which neither glibc nor the layer provides` });
    }
  }
  return { highestGlibc, elfFiles, problems };
}

/** Zips a layer tree reproducibly (see {@link writeZip}). */
export function zipTree(treeDir: string): Buffer {
  const entries: ZipEntry[] = listFiles(treeDir).map((file) => ({
    name: file,
    data: readFileSync(path.join(treeDir, file)),
    mode: statSync(path.join(treeDir, file)).mode & 0o111 ? 0o755 : 0o644,
  }));
  return writeZip(entries);
}

/** Total size of the files in a tree, in bytes. */
export function treeSize(treeDir: string): number {
  return listFiles(treeDir).reduce((total, file) => total + statSync(path.join(treeDir, file)).size, 0);
}

export interface BuiltLayer {
  readonly architecture: LayerArchitecture;
  readonly zipFile: string;
  readonly zipBytes: number;
  readonly unzippedBytes: number;
  readonly highestGlibc: string;
}

/**
 * Builds the trimmed layer zip of one architecture into `outputDir` and refuses to write it when
 * an ELF file would not load on the runtime.
 *
 * @example
 * const layer = await buildLayerZip({ architecture: 'arm64', outputDir: 'dist' });
 */
export async function buildLayerZip(options: { architecture: LayerArchitecture; outputDir: string; cacheDir?: string }): Promise<BuiltLayer> {
  const cacheDir = options.cacheDir ?? path.join(PACKAGE_ROOT, 'cache');
  const treeDir = path.join(cacheDir, 'tree', options.architecture);
  await buildLayerTree({ architecture: options.architecture, treeDir, keepPerlFiles: readModuleList(), cacheDir });
  const { highestGlibc, problems } = await checkLayerCompatibility(treeDir);
  const first = problems[0];
  if (first) {
    throw new LayerCompatibilityError(`the ${options.architecture} layer would not run on Lambda: ${problems.map((item) => `${item.file} ${item.problem}`).join('; ')}`, first.file);
  }
  mkdirSync(options.outputDir, { recursive: true });
  const zip = zipTree(treeDir);
  const zipFile = path.join(options.outputDir, `exiftool-layer-${options.architecture}.zip`);
  writeFileSync(zipFile, zip);
  return { architecture: options.architecture, zipFile, zipBytes: zip.length, unzippedBytes: treeSize(treeDir), highestGlibc };
}
