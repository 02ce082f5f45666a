import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { writeZip } from '../src/index.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function tempFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'reproducible-zip-'));
  folders.push(folder);
  return folder;
}

const entries = [
  { name: 'lib/data.txt', data: Buffer.from('compressible '.repeat(200)), mode: 0o644 },
  { name: 'bin/tool', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
  { name: 'random.bin', data: Buffer.from(Array.from({ length: 64 }, (_, index) => (index * 97) % 256)), mode: 0o644 },
];

describe('writeZip', () => {
  it('gives the same bytes whatever the entry order and the clock', () => {
    expect(writeZip(entries).equals(writeZip([...entries].reverse()))).toBe(true);
  });

  it('is read back by Info-ZIP unzip with contents, CRCs and Unix modes intact', async () => {
    // Prepare
    const folder = tempFolder();
    const archive = path.join(folder, 'a.zip');
    writeFileSync(archive, writeZip(entries));

    // Act: unzip -t checks every entry's CRC-32 against the data.
    const tested = await execa('unzip', ['-t', archive]);
    await execa('unzip', ['-q', archive, '-d', path.join(folder, 'out')]);
    const listing = await execa('zipinfo', ['-v', archive]);

    // Assess
    expect(tested.stdout).toContain('No errors detected');
    for (const entry of entries) {
      const file = path.join(folder, 'out', entry.name);
      expect(readFileSync(file).equals(entry.data)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(entry.mode);
      // The central directory's CRC is zlib's, as zipinfo prints it (8 hex digits).
      expect(listing.stdout).toContain(crc32(entry.data).toString(16).padStart(8, '0'));
    }
    expect(listing.stdout).toMatch(/file last modified on \(DOS date\/time\):\s+1980 Jan 1 00:00:00/);
  });
});
