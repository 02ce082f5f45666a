import { CORPUS_MISSING, findCorpus } from '@photo-organizer/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { damagedCorpusCases, generatedCases, type HostileReport, runHostile } from '../src/hostile-inputs.ts';

// The 6 GB sparse object runs only in `make reliability` (it writes ~18 GB through the local server).
const corpus = findCorpus();
if (!corpus) console.warn(`${CORPUS_MISSING} (damaged corpus files left out; generated traps still run)`);

describe('hostile inputs, one after another on one Lambda worker', () => {
  let report: HostileReport;
  const result = (prefix: string) => report.results.filter((item) => item.name.startsWith(prefix));
  beforeAll(async () => {
    report = await runHostile({ cases: [...damagedCorpusCases(), ...generatedCases()] });
  }, 300_000);

  it('gives every input a definite outcome: organized, undated, or rejected with a reason', () => {
    // The local server cannot hold a NUL or an escaping `..` in a key (it stores keys as file names):
    // those two events name objects it does not have, and S3 answers such a read 404 as well.
    for (const event of result('event for ')) expect(event).toMatchObject({ outcome: 'rejected', detail: expect.stringMatching(/^object-gone: /) });
    const undecided = report.results.filter((item) => !['organized', 'undated', 'rejected'].includes(item.outcome) || item.detail === '');
    expect(undecided).toEqual([]);
    if (corpus) expect(result('corpus ').length).toBeGreaterThanOrEqual(15);
  });

  it('rejects every malformed event and files odd keys under their own name', () => {
    for (const item of result('malformed event')) expect(item.outcome).toBe('rejected');
    const awkward = result('key with every awkward character')[0]!;
    expect(awkward.detail).toBe(`2022-07-14/${awkward.key!.slice('keys/'.length)}`);
    expect(result('key of 1,024 bytes')[0]!.outcome).toBe('organized');
  });

  it('runs no code smuggled in DjVu annotations: no marker file, and the file is still filed', () => {
    expect(result('a DjVu')).toHaveLength(2);
    for (const item of result('a DjVu')) expect(['organized', 'undated']).toContain(item.outcome);
    expect(report.markersCreated).toEqual([]);
  });

  it("files every copy inside its date folder, whatever '.', '..' or NUL the key holds (checked in the library listing)", () => {
    expect(result("key '")).toHaveLength(3);
    expect(result('event for ')).toHaveLength(2);
    expect(report.unsafeLandings).toEqual([]);
  });

  it('stops exiftool at its timeout and files the object undated instead of hanging', () => {
    const slow = result('MP4 with 1,000,000')[0]!;
    expect(slow.outcome).toBe('undated');
    expect(slow.detail).toMatch(/ExiftoolTimeoutError/);
  });

  it("kills exiftool's perl when the deflate bomb takes it over its memory limit, and files the PNG undated", () => {
    // The organizer's limit: 60% of the function's memory (EXIFTOOL_MEMORY_LIMIT_BYTES unset).
    const bomb = result('PNG deflate bomb')[0]!;
    expect(bomb.outcome).toBe('undated');
    expect(bomb.detail).toMatch(/ExiftoolMemoryLimitError: exiftool used \d+ MiB, over its limit of 614 MiB/);
  });

  it('finishes each within the function timeout, in the same process, within the memory size (deflate bomb and lying lengths included)', () => {
    expect(result('PNG deflate bomb')).toHaveLength(1);
    expect(report.results.filter((item) => /claiming/.test(item.name))).toHaveLength(4);
    expect(report.results.filter((item) => item.timedOut)).toEqual([]);
    expect(report.timeouts).toBe(0);
    expect(report.crashes).toBe(0);
    expect(report.workers).toBe(1);
    expect(report.results.at(-1)).toMatchObject({ name: expect.stringMatching(/^canary/), outcome: 'organized' });
    expect(report.results.filter((item) => item.maxRssBytes >= report.memorySizeMb * 1024 * 1024).map((item) => item.name)).toEqual([]);
    expect(report.peakRssBytes).toBeLessThan(report.memorySizeMb * 1024 * 1024);
  });
});
