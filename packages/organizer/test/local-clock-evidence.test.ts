import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findCorpus, pinnedExiftool } from '@photo-organizer/test-kit';
import { describe, expect, it } from 'vitest';
import { parseExifDate, toEpochMs } from '../src/core/date-policy/date-value.js';
import { DEFAULT_LOCAL_CLOCK_MAKERS } from '../src/core/date-policy/video-dates.js';

// Every maker on the default local-clock list is backed by a real or report-modelled video in which
// the QuickTime CreateDate is provably the camera's local clock, not UTC: it equals the camera's
// local DateTimeOriginal (maker block), or it differs from the GPS time (UTC) by a whole non-zero
// number of quarter hours. The files are read where they are (never copied), with the pinned
// exiftool CLI and -ee (the GPS track lies in the media data, which the organizer never reads).

const corpus = findCorpus();
const shared = corpus ? path.resolve(corpus, '..') : undefined;
if (!shared) console.warn('local-clock-evidence.test.ts: ../shared not found (set PHOTO_ORGANIZER_CORPUS): suite skipped');

interface Evidence {
  readonly maker: string;
  /** Path below ../shared. */
  readonly file: string;
  /** Where the file comes from. */
  readonly origin: string;
  /** The tag holding the camera's own time to compare QuickTime:CreateDate with. */
  readonly reference: 'maker-DateTimeOriginal' | 'GPSDateTime';
}

const EVIDENCE: readonly Evidence[] = [
  {
    maker: 'NIKON',
    file: 'cases/date-policy-v2/03-DSC_0731-nikon-z30.MOV',
    origin: 'synthetic, modelled on a public report about a Nikon Z 30 (shared date-policy v2 case 03)',
    reference: 'maker-DateTimeOriginal',
  },
  {
    maker: 'GoPro',
    file: 'corpus/files/gpmf-parser/max-heromode.mp4',
    origin: 'gopro/gpmf-parser samples/max-heromode.mp4 (GoPro Max)',
    reference: 'GPSDateTime',
  },
];

function readTags(file: string): Record<string, string> {
  const exiftool = pinnedExiftool();
  const output = execFileSync(
    exiftool.perl,
    [exiftool.script, '-json', '-G1', '-a', '-ee', '-QuickTime:CreateDate', '-DateTimeOriginal', '-GPSDateTime', '-Make', '-Model', file],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return (JSON.parse(output) as Record<string, string>[])[0] ?? {};
}

describe.skipIf(!shared)('local-clock makers: each one backed by a file', () => {
  it('every default maker has evidence', () => {
    expect([...DEFAULT_LOCAL_CLOCK_MAKERS].sort()).toEqual(EVIDENCE.map((entry) => entry.maker).sort());
  });

  it.each(EVIDENCE.map((entry) => [entry.maker, entry] as const))('%s: QuickTime CreateDate is the camera clock', (_maker, evidence) => {
    const file = path.join(shared!, evidence.file);
    expect(existsSync(file), `${file} (${evidence.origin})`).toBe(true);
    const tags = readTags(file);
    const quickTime = parseExifDate(tags['QuickTime:CreateDate']);
    expect(quickTime).toBeDefined();
    const make = Object.entries(tags).find(([key]) => key.endsWith(':Make'))?.[1] ?? Object.keys(tags).find((key) => key.startsWith('GoPro:'))?.split(':')[0];
    expect(make?.toLowerCase().startsWith(evidence.maker.toLowerCase())).toBe(true);
    if (evidence.reference === 'maker-DateTimeOriginal') {
      const makerDate = Object.entries(tags).find(([key]) => /^(Nikon|Canon|Sony|Panasonic|FujiFilm|Olympus|Pentax|GoPro):DateTimeOriginal$/.test(key));
      const local = parseExifDate(makerDate?.[1]);
      // Same wall clock, give or take the seconds between the two writes.
      expect(Math.abs(toEpochMs(quickTime!, 0) - toEpochMs(local!, 0))).toBeLessThanOrEqual(2_000);
    } else {
      const gps = Object.entries(tags).find(([key]) => key.endsWith(':GPSDateTime'));
      const utc = parseExifDate(gps?.[1]);
      const differenceMinutes = (toEpochMs(quickTime!, 0) - toEpochMs(utc!, 0)) / 60_000;
      const quarters = Math.round(differenceMinutes / 15);
      expect(quarters).not.toBe(0);
      expect(Math.abs(differenceMinutes - quarters * 15)).toBeLessThanOrEqual(2);
    }
  });
});
