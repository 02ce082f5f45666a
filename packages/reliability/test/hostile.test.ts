import { CORPUS_MISSING, findCorpus } from '@photo-organizer/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { damagedCorpusCases, generatedCases, type HostileReport, runHostile } from '../src/hostile-inputs.ts';

// The 6 GB sparse object runs only in `make reliability` (it writes ~18 GB through the local server).
const corpus = findCorpus();
if (!corpus) console.warn(`${CORPUS_MISSING} (damaged corpus files left out; generated traps still run)`);

describe('hostile inputs, one after another on one Lambda worker', () => {
  let report: HostileReport;
  beforeAll(async () => {
    report = await runHostile({ cases: [...damagedCorpusCases(), ...generatedCases()] });
  }, 300_000);

  it('gives every input a definite outcome: organized, undated, or rejected with a reason', () => {
    const undecided = report.results.filter((result) => !['organized', 'undated', 'rejected'].includes(result.outcome) || result.detail === '');
    expect(undecided).toEqual([]);
    if (corpus) expect(report.results.filter((result) => result.name.startsWith('corpus ')).length).toBeGreaterThanOrEqual(15);
  });

  it('rejects every malformed event and files odd keys under their own name', () => {
    for (const result of report.results.filter((item) => item.name.startsWith('malformed event'))) expect(result.outcome).toBe('rejected');
    const awkward = report.results.find((result) => result.name === 'key with every awkward character')!;
    expect(awkward.detail).toBe(`2022-07-14/${awkward.key!.slice('keys/'.length)}`);
    expect(report.results.find((result) => result.name === 'key of 1,024 bytes')!.outcome).toBe('organized');
  });

  it('stops exiftool at its timeout and files the object undated instead of hanging', () => {
    const slow = report.results.find((result) => result.name.startsWith('MP4 with 1,000,000'))!;
    expect(slow.outcome).toBe('undated');
    expect(slow.detail).toMatch(/ExiftoolTimeoutError/);
  });

  it('finishes each within the function timeout, in the same process, within the memory size', () => {
    expect(report.results.filter((result) => result.timedOut)).toEqual([]);
    expect(report.timeouts).toBe(0);
    expect(report.crashes).toBe(0);
    expect(report.workers).toBe(1);
    expect(report.results.at(-1)).toMatchObject({ name: expect.stringMatching(/^canary/), outcome: 'organized' });
    expect(report.peakRssBytes).toBeLessThan(report.memorySizeMb * 1024 * 1024);
  });
});
