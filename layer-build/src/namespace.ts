import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type Result } from 'execa';
import { extractPackage, fetchPackage, packagesFor, readLock, SYSROOT_PACKAGES } from './debian-packages.ts';
import { PACKAGE_ROOT } from './build-layer.ts';

// Runs inside the new mount namespace. $1 layer tree, $2 an empty dir, $3 an empty file; the
// rest is `env -i` arguments. The host's perl is covered, so only the layer's can answer.
const NAMESPACE_SCRIPT = `set -e
layer=$1; empty_dir=$2; empty_file=$3; shift 3
mount --bind "$layer" /opt
mount -o remount,bind,ro /opt
for hidden in /usr/bin/perl* /usr/lib/*-linux-gnu/perl* /usr/lib/perl* /usr/share/perl* /etc/perl /usr/local/lib/*/perl* /usr/local/share/perl*; do
  [ -e "$hidden" ] || continue
  if [ -d "$hidden" ]; then mount --bind "$empty_dir" "$hidden"; else mount --bind "$empty_file" "$hidden"; fi
done
exec env -i "$@"
`;

export interface LayerNamespaceOptions {
  /** The unzipped layer, bound read-only on /opt. */
  readonly layerDir: string;
  /** Command and arguments run inside; PATH is /opt/bin. */
  readonly command: readonly string[];
  /** Variables besides PATH=/opt/bin, LD_LIBRARY_PATH=/opt/lib and LC_ALL=C (the whole environment). */
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string | Uint8Array;
  /** @default 120_000 */
  readonly timeout?: number;
}

/**
 * Runs a command the way Lambda runs the layer: the tree on /opt (read-only), a clean
 * environment, and no perl of the host visible (`unshare -m`, needs root).
 *
 * @example
 * const { stdout } = await runInLayerNamespace({ layerDir: 'tree', command: ['exiftool', '-ver'] });
 */
export async function runInLayerNamespace(options: LayerNamespaceOptions): Promise<Result<{ reject: false; encoding: 'utf8' }>> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'layer-namespace-'));
  try {
    mkdirSync(path.join(scratch, 'empty'));
    writeFileSync(path.join(scratch, 'empty-file'), '');
    const environment = Object.entries({ PATH: '/opt/bin', LD_LIBRARY_PATH: '/opt/lib', LC_ALL: 'C', ...options.env }).map(([key, value]) => `${key}=${value}`);
    return await execa(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', NAMESPACE_SCRIPT, 'sh', path.resolve(options.layerDir), path.join(scratch, 'empty'), path.join(scratch, 'empty-file'), ...environment, ...options.command],
      { reject: false, encoding: 'utf8', timeout: options.timeout ?? 120_000, ...(options.input === undefined ? {} : { input: options.input }) },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether this process may create mount namespaces (root with CAP_SYS_ADMIN). */
export async function canUseNamespaces(): Promise<boolean> {
  const result = await execa('unshare', ['--mount', '--propagation', 'private', 'true'], { reject: false });
  return result.exitCode === 0;
}

/**
 * Unpacks bullseye's libc6 (pinned in the lock) for `amd64` or `arm64` and returns the
 * directory: the qemu sysroot, and a glibc (2.31) older than the runtime's.
 */
export async function prepareSysroot(debianArchitecture: 'amd64' | 'arm64', cacheDir = path.join(PACKAGE_ROOT, 'cache')): Promise<string> {
  const sysroot = path.join(cacheDir, 'sysroot', debianArchitecture);
  rmSync(sysroot, { recursive: true, force: true });
  const lock = readLock(path.join(PACKAGE_ROOT, 'debian-packages.lock'));
  for (const entry of packagesFor(lock, debianArchitecture, SYSROOT_PACKAGES)) {
    await extractPackage(await fetchPackage(entry, path.join(cacheDir, 'debs')), sysroot);
  }
  return sysroot;
}
