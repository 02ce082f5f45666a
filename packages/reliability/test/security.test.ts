import path from 'node:path';
import { DEFAULT_PRELOAD_MODULES } from '@photo-organizer/exiftool';
import { describe, expect, it } from 'vitest';
import { hostileKeys, runSecurityCheck, shellUsesInSource } from '../src/security.ts';

describe.each(['random-access', 'stream'] as const)('exiftool command lines in %s mode', (mode) => {
  it('are fixed: no key or content reaches argv, nothing is run through a shell, odd keys are just names', async () => {
    const marker = `po-injection-${process.pid}-${mode}`;
    const report = await runSecurityCheck(mode, marker);

    const perl = report.commandLines.filter((argv) => path.basename(argv[0] ?? '') === 'perl');
    expect(perl.length).toBeGreaterThan(0);
    for (const argv of perl) {
      expect(argv[1]).toBe('-I');
      if (mode === 'stream') {
        // The last argument is `-` (stdin).
        expect(argv.at(-1)).toBe('-');
      } else {
        // The server script, then only the ExifTool module names it preloads (a fixed list).
        expect(argv[3]).toMatch(/exiftool-server\.pl$/);
        expect(argv.slice(4)).toEqual([...DEFAULT_PRELOAD_MODULES]);
      }
      for (const part of argv) {
        for (const fragment of ['passwd', 'touch', marker, 'execute', '.jpg']) expect(part).not.toContain(fragment);
      }
    }
    expect(report.commandLines.some((argv) => ['sh', 'bash', 'dash'].includes(path.basename(argv[0] ?? '')))).toBe(false);
    expect(report.markerFilesCreated).toEqual([]);
    // Each key was filed under the date by its last segment: `etc/passwd` is the name `passwd`.
    expect(report.outcomes).toEqual(
      Object.fromEntries(hostileKeys(marker).map((key, index) => [key, `2020-02-${String(2 + index).padStart(2, '0')}/${key.slice(key.lastIndexOf('/') + 1)}`])),
    );
  }, 120_000);
});

describe('source', () => {
  it('never asks for a shell or a parsed command string', () => {
    expect(shellUsesInSource()).toEqual([]);
  });
});
