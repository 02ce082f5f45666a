import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pinnedExiftool } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costPerMillion } from '../src/cost.ts';
import { percentile } from '../src/measure.ts';
import { writeTiffWithTrailingIfd } from '../src/objects.ts';

// The parts of the benchmark whose mistakes would not show in its output: the generated TIFF
// (read back by the real pinned exiftool), the percentile and the cost arithmetic.

describe('writeTiffWithTrailingIfd', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'bench-tiff-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes a TIFF of the asked size whose dates exiftool reads from IFDs after the pixels', async () => {
    // Prepare
    const file = path.join(directory, 'scan.tif');
    const exiftool = pinnedExiftool();
    // Act
    await writeTiffWithTrailingIfd(file, 5 * 1024 * 1024);
    const output = execFileSync(exiftool.perl, [
      '-I', exiftool.libDir, exiftool.script, '-json', '-G1', '-FileType', '-DateTimeOriginal', '-ModifyDate', '-ImageWidth', '-Warning', file,
    ], { env: { LC_ALL: 'C' }, encoding: 'utf8' });
    const [tags] = JSON.parse(output) as Record<string, unknown>[];
    // Assess
    expect((await stat(file)).size).toBe(5 * 1024 * 1024);
    expect(tags).toMatchObject({
      'File:FileType': 'TIFF',
      'ExifIFD:DateTimeOriginal': '2020:05:17 09:30:00',
      'IFD0:ModifyDate': '2020:05:18 10:00:00',
      'IFD0:ImageWidth': 4096,
    });
    expect(tags).not.toHaveProperty('ExifTool:Warning');
  });
});

describe('percentile', () => {
  it('takes the nearest rank of the sorted values', () => {
    const values = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('costPerMillion', () => {
  it('adds duration at 1 GB, one invocation each and the two S3 request tiers', () => {
    // 100 ms, 3 GET/HEAD, 1 COPY per object:
    // 1e6 x 0.1 s x 1 GB x 0.0000133334 = 1.33334; invocations 0.20; S3 3000 x 0.0004 + 1000 x 0.005 = 1.2 + 5
    const cost = costPerMillion(0.1, 3, 1);
    expect(cost.lambdaDurationUsd).toBeCloseTo(1.33334, 5);
    expect(cost.lambdaRequestsUsd).toBe(0.2);
    expect(cost.s3RequestsUsd).toBeCloseTo(6.2, 5);
    expect(cost.totalUsd).toBeCloseTo(7.73334, 5);
  });
});
