import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExiftoolProcess, fileSource } from '@photo-organizer/exiftool';
import { findCorpus, pinnedExiftool } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideCaptureDate } from '../src/core/date-policy/capture-date.js';
import { TAGS_TO_READ } from '../src/core/plan.js';
import { dateSourceLabel } from '../src/core/date-policy/date-source-labels.js';

// The shared date-policy v2 cases (../shared/cases/date-policy-v2): small synthetic files, each
// modelled on a public bug report, with the day and local time the v2 policy gives in
// expected.tsv. Each file is read at test time (never copied) by the pinned exiftool with the
// organizer's tag list, and decided with the row's default time zone.

// Where: ../shared/cases/date-policy-v2 beside the repository, or beside the corpus
// (PHOTO_ORGANIZER_CORPUS=/work/shared/corpus -> /work/shared/cases/date-policy-v2).
const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = findCorpus();
const CASES =
  [path.resolve(here, '../../../../shared/cases/date-policy-v2'), ...(corpus ? [path.resolve(corpus, '../cases/date-policy-v2')] : [])].find((dir) =>
    existsSync(path.join(dir, 'expected.tsv')),
  ) ?? '../shared/cases/date-policy-v2';
const casesPresent = existsSync(path.join(CASES, 'expected.tsv'));
if (!casesPresent) {
  console.warn(`date-policy-v2-cases.test.ts: ${CASES}/expected.tsv not found (set PHOTO_ORGANIZER_CORPUS to the shared corpus): suite skipped`);
}

interface CaseRow {
  readonly file: string;
  readonly timeZone: string;
  readonly day: string;
  readonly localTime: string;
  readonly situation: string;
}

function readCases(): CaseRow[] {
  const [header, ...lines] = readFileSync(path.join(CASES, 'expected.tsv'), 'utf8').split('\n').filter((line) => line.trim() !== '');
  const columns = header!.split('\t');
  return lines.map((line) => {
    const cells = Object.fromEntries(line.split('\t').map((cell, index) => [columns[index], cell]));
    return {
      file: cells.file ?? '',
      timeZone: cells.time_zone ?? '',
      day: cells.expected_day ?? '',
      localTime: cells.expected_local_time ?? '',
      situation: cells.situation ?? '',
    };
  });
}

const pad = (value: number) => String(value).padStart(2, '0');

describe.skipIf(!casesPresent)('date policy v2: the shared cases (day and local time)', () => {
  const rows = casesPresent ? readCases() : [];
  let exiftool: ExiftoolProcess;

  beforeAll(() => {
    const pinned = pinnedExiftool();
    exiftool = new ExiftoolProcess({ perlPath: pinned.perl, exiftoolLibDir: pinned.libDir, tags: TAGS_TO_READ });
  });
  afterAll(async () => {
    await exiftool?.close();
  });

  it('has the seven cases of the issue', () => {
    expect(rows.length).toBeGreaterThanOrEqual(7);
  });

  it.each(rows.map((row) => [row.file, row] as const))('%s', async (file, row) => {
    // Prepare: the file's tags as the organizer reads them (same tag list, real exiftool).
    const source = fileSource(path.join(CASES, file));
    let tags;
    try {
      tags = (await exiftool.readMetadata(source, { fileName: file })).tags;
    } finally {
      await source.close();
    }
    // Act
    const decision = decideCaptureDate(tags, { fileName: file, uploadedAt: new Date(), defaultTimeZone: row.timeZone });
    // Assess: the day and the wall-clock time, and a label a photographer can read.
    expect(decision.dated, `${row.situation}: ${JSON.stringify(decision.rejected)}`).toBe(true);
    if (!decision.dated) return;
    const { year, month, day, hour, minute, second } = decision.captureDate;
    expect(`${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`, `${row.situation} (${decision.dateSource} ${decision.tag})`).toBe(
      `${row.day} ${row.localTime}`,
    );
    expect(dateSourceLabel(decision.dateSource, decision.offsetFrom)).not.toBe(decision.dateSource);
  });
});
