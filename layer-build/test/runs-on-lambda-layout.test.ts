// (2) The x86_64 layer on /opt in a private mount namespace, host perl hidden, clean environment.
// (3) The arm64 layer the same way under qemu-aarch64-static, bullseye's arm64 glibc as sysroot.
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUseNamespaces, prepareSysroot, runInLayerNamespace } from '../src/namespace.ts';
import { exiftoolSources } from '../src/build-layer.ts';
import { dateFixtures, dateTagNames, DRIVER_BUILT, DRIVER_MISSING, driverScript, expectedDates, fixturePath, unzipLayer } from './layer-fixtures.ts';

const namespaces = await canUseNamespaces();
const NO_NAMESPACES = 'cannot create a mount namespace (needs root / CAP_SYS_ADMIN): layer run checks skipped';
if (!namespaces) console.warn(NO_NAMESPACES);
if (!DRIVER_BUILT) console.warn(DRIVER_MISSING);

const node = process.execPath;
const files = dateFixtures().map(fixturePath);

/** The expected dates the driver reads (it is asked for exactly these tag names). */
function driverDates(fixture: Parameters<typeof expectedDates>[0]): Record<string, string> {
  const names = dateTagNames();
  return Object.fromEntries(Object.entries(expectedDates(fixture)).filter(([key]) => names.includes(key.split(':').at(-1) ?? '')));
}

/** Picks the tags a fixture's expectation names out of `exiftool -json -G1` / driver output. */
function pick(tags: Readonly<Record<string, unknown>>, expected: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(expected).map((key) => [key, tags[key]]));
}

describe.skipIf(!namespaces)('x86_64 layer on /opt without the host perl', () => {
  let layerDir = '';
  let scratch = '';
  beforeAll(async () => {
    layerDir = await unzipLayer('x86_64');
    scratch = mkdtempSync(path.join(os.tmpdir(), 'layer-run-'));
  });
  afterAll(() => {
    rmSync(layerDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('hides the host perl, so only /opt/bin/perl can answer', async () => {
    // Act
    const host = await runInLayerNamespace({ layerDir, command: ['/usr/bin/perl', '-e', 'print 1'] });
    const layer = await runInLayerNamespace({ layerDir, command: ['perl', '-e', 'print "$^X $]"'] });
    // Assess
    expect(host.exitCode).not.toBe(0);
    expect(layer.stdout).toBe('/opt/bin/perl 5.032001');
  });

  it('reads the dates of a JPEG, a HEIC, a moov-at-end MP4 and a MOV with the exiftool CLI', async () => {
    // Act
    const result = await runInLayerNamespace({ layerDir, command: ['exiftool', '-q', '-json', '-G1', '-a', '-s', ...files] });
    // Assess
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout) as Record<string, unknown>[];
    for (const [index, fixture] of dateFixtures().entries()) {
      const expected = expectedDates(fixture);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(pick(output[index] ?? {}, expected), fixture.file).toEqual(expected);
    }
  });

  it.skipIf(!DRIVER_BUILT)('reads them through the driver the function uses (random-access server)', async () => {
    // Prepare
    const script = path.join(scratch, 'read-with-driver.mjs');
    writeFileSync(script, driverScript('/opt/bin/perl', dateTagNames()));
    // Act
    const result = await runInLayerNamespace({ layerDir, command: [node, script, ...files] });
    // Assess
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout) as Record<string, { tags: Record<string, unknown>; error?: string }>;
    for (const fixture of dateFixtures()) {
      const read = output[fixturePath(fixture)];
      expect(read?.error, fixture.file).toBeUndefined();
      expect(Object.keys(driverDates(fixture)).length).toBeGreaterThan(0);
      expect(pick(read?.tags ?? {}, driverDates(fixture)), fixture.file).toEqual(driverDates(fixture));
    }
  });

  it('runs on an older glibc too (bullseye 2.31, through its loader)', async () => {
    // Prepare
    const sysroot = await prepareSysroot('amd64');
    // Act
    const result = await runInLayerNamespace({
      layerDir,
      command: [path.join(sysroot, 'lib/x86_64-linux-gnu', readdirSync(path.join(sysroot, 'lib/x86_64-linux-gnu')).find((name) => /^ld-2\.\d+\.so$/.test(name)) ?? 'ld.so'), '--library-path', `/opt/lib:${sysroot}/lib/x86_64-linux-gnu`, '/opt/bin/perl', '/opt/bin/exiftool', '-ver'],
    });
    // Assess
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(exiftoolSources().version.split('.').slice(0, 2).join('.'));
  });
});

describe.skipIf(!namespaces)('arm64 layer on /opt under qemu-aarch64-static', () => {
  let layerDir = '';
  let scratch = '';
  let sysroot = '';
  beforeAll(async () => {
    layerDir = await unzipLayer('arm64');
    scratch = mkdtempSync(path.join(os.tmpdir(), 'layer-run-arm64-'));
    sysroot = await prepareSysroot('arm64');
  });
  afterAll(() => {
    rmSync(layerDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('is an aarch64 perl, and reads the four dates with the exiftool CLI', async () => {
    // Act
    const result = await runInLayerNamespace({
      layerDir,
      command: ['/usr/bin/qemu-aarch64-static', '-L', sysroot, '/opt/bin/perl', '/opt/bin/exiftool', '-q', '-json', '-G1', '-a', '-s', ...files],
    });
    const native = await runInLayerNamespace({ layerDir, command: ['/opt/bin/perl', '-v'] });
    // Assess: the host cannot execute it natively (no binfmt here), qemu can.
    expect(native.exitCode).not.toBe(0);
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout) as Record<string, unknown>[];
    for (const [index, fixture] of dateFixtures().entries()) {
      expect(pick(output[index] ?? {}, expectedDates(fixture)), fixture.file).toEqual(expectedDates(fixture));
    }
  });

  it.skipIf(!DRIVER_BUILT)('reads them through the driver, its perl running under qemu', async () => {
    // Prepare: the driver spawns perlPath; this wrapper makes that the arm64 perl under qemu.
    const wrapper = path.join(scratch, 'perl-arm64');
    writeFileSync(wrapper, `#!/bin/sh\nexec /usr/bin/qemu-aarch64-static -L ${sysroot} /opt/bin/perl "$@"\n`);
    chmodSync(wrapper, 0o755);
    const script = path.join(scratch, 'read-with-driver.mjs');
    writeFileSync(script, driverScript(wrapper, dateTagNames()));
    // Act
    const result = await runInLayerNamespace({ layerDir, command: [node, script, ...files] });
    // Assess
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout) as Record<string, { tags: Record<string, unknown>; error?: string }>;
    for (const fixture of dateFixtures()) {
      const read = output[fixturePath(fixture)];
      expect(read?.error, fixture.file).toBeUndefined();
      expect(Object.keys(driverDates(fixture)).length).toBeGreaterThan(0);
      expect(pick(read?.tags ?? {}, driverDates(fixture)), fixture.file).toEqual(driverDates(fixture));
    }
  });
});
