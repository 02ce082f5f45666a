// Rewrites debian-packages.lock with the current bullseye versions of LAYER_PACKAGES.
// apt resolves them through a private configuration (nothing of the host's apt state is read or
// written): it checks the signed Release files, so the SHA-256 sums it prints are trustworthy.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { LAYER_PACKAGES, SYSROOT_PACKAGES } from './debian-packages.ts';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
// The final bullseye point release (11.11) and its -updates. Not bullseye-security: the mirrors
// reachable from here and CI do not serve its arm64 perl (HTTP 404), and both architectures must
// carry the same perl so one modules.txt fits both (see README, "Security updates").
const SOURCES = ['http://deb.debian.org/debian bullseye main', 'http://deb.debian.org/debian bullseye-updates main'];

/** apt-get options that confine apt to `stateDir` and to Debian bullseye, amd64 + arm64. */
export function privateAptOptions(stateDir: string): string[] {
  for (const dir of ['lists/partial', 'cache/archives/partial', 'preferences.d']) mkdirSync(path.join(stateDir, dir), { recursive: true });
  const sources = path.join(stateDir, 'sources.list');
  writeFileSync(sources, SOURCES.map((source) => `deb [arch=amd64,arm64 signed-by=${KEYRING}] ${source}\n`).join(''));
  writeFileSync(path.join(stateDir, 'status'), '');
  return [
    `-o=Dir::Etc::sourcelist=${sources}`,
    '-o=Dir::Etc::sourceparts=/nonexistent',
    `-o=Dir::Etc::preferencesparts=${path.join(stateDir, 'preferences.d')}`,
    `-o=Dir::State::Lists=${path.join(stateDir, 'lists')}`,
    `-o=Dir::State::status=${path.join(stateDir, 'status')}`,
    `-o=Dir::Cache=${path.join(stateDir, 'cache')}`,
    '-o=APT::Architecture=amd64',
    '-o=APT::Architectures::=amd64',
    '-o=APT::Architectures::=arm64',
    '-o=Debug::NoLocking=1',
  ];
}

/** Resolves every layer package for amd64 and arm64 and returns the lock file's text. */
export async function resolveLock(stateDir: string): Promise<string> {
  const options = privateAptOptions(stateDir);
  await execa('apt-get', [...options, '-qq', 'update']);
  const lines = new Set<string>();
  // perl-modules-5.32 is `Architecture: all`: asked for once, without an architecture.
  const requests = [
    ...['amd64', 'arm64'].map((architecture) => [...LAYER_PACKAGES, ...SYSROOT_PACKAGES].filter((name) => name !== 'perl-modules-5.32').map((name) => `${name}:${architecture}`)),
    ['perl-modules-5.32'],
  ];
  for (const request of requests) {
    const { stdout } = await execa('apt-get', [...options, '--print-uris', 'download', ...request]);
    for (const line of stdout.split('\n')) {
      // 'URL' file_version_arch.deb size SHA256:hex
      const match = /^'([^']+)' (\S+?)_(\S+?)_(\S+?)\.deb \d+ SHA256:([0-9a-f]{64})$/.exec(line);
      if (!match) continue;
      const [, url, name, version, debArchitecture, sha256] = match;
      lines.add([name, decodeURIComponent(version ?? ''), debArchitecture, sha256, url].join('\t'));
    }
  }
  // A lock naming a file nobody serves is worse than no lock: check each one answers.
  for (const line of lines) {
    const url = line.split('\t')[4] ?? '';
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`update-lock: ${url} answers HTTP ${response.status}`);
  }
  const header = [
    '# Debian 11 (bullseye) packages of the exiftool Lambda layer: name, version, architecture, SHA-256, URL.',
    '# libc6 is not shipped: the tests run the layer on it (qemu sysroot, older-glibc check).',
    '# bullseye, because its binaries need at most GLIBC_2.29 and the Lambda runtime (Amazon Linux 2023) has 2.34.',
    '# Regenerate with `pnpm --filter @photo-organizer/layer-build run update-lock` (apt checks the signed indexes).',
  ];
  return [...header, ...[...lines].sort()].join('\n') + '\n';
}
