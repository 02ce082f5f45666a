import { dateSourceLabel } from './date-source-label.js';

/** One uploaded file and what the function did with it, as the demo prints it. */
export interface Row {
  /** The key it was uploaded under, e.g. `large/IMG_LARGE_64MiB.jpg`. */
  readonly source: string;
  /** Where it was filed in the destination bucket, or `(left in place: <reason>)`. */
  readonly target: string;
  /** `2019-07-15T00:45:10+02:00`, or `-`. */
  readonly captureDate: string;
  /** The organizer's `dateSource` (docs/date-policy.md), or `-` when skipped. */
  readonly dateSource: string;
  /** `dateSource` in plain words. */
  readonly dateFrom: string;
  /** Same name and content as a file already filed there: nothing was copied. */
  readonly duplicate: boolean;
  readonly skipped: boolean;
  /** `<bytes fetched> / <size>`. */
  readonly fetched: string;
}

/** Totals for the last line of the report. */
export interface Counts {
  readonly files: number;
  /** Copied under a date folder. */
  readonly organized: number;
  /** Copied under `undated/`. */
  readonly undated: number;
  /** Left in place (not a photo or video, ...). */
  readonly skipped: number;
  /** Already there with the same content: not copied again. */
  readonly duplicates: number;
}

/** One row per object, from the function's own structured log lines (`organized`, `skipped`). */
export function collectRows(lines: readonly string[], sourceBucket: string): Row[] {
  const rows = new Map<string, Row>();
  for (const line of lines) {
    const start = line.indexOf('{');
    if (start < 0) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line.slice(start));
    } catch {
      continue;
    }
    const source = typeof entry.source === 'string' ? entry.source.replace(`s3://${sourceBucket}/`, '') : undefined;
    if (!source) continue;
    if (entry.message === 'organized') {
      const dateSource = String(entry.dateSource);
      // A photo can be filed by two events: its own, and its Google Takeout JSON's (issue 18, a line
      // with `filedBy`). Whichever copied it, the other finds the copy there: not a duplicate. Bytes
      // read come from the photo's own event (the JSON's line has none).
      const previous = rows.get(source);
      const copiedBefore = previous !== undefined && !previous.skipped && !previous.duplicate && previous.target === String(entry.targetKey);
      const read = Number.isFinite(Number(entry.bytesFetched));
      rows.set(source, {
        source,
        target: String(entry.targetKey),
        captureDate: entry.captureDate === null || entry.captureDate === undefined ? '-' : String(entry.captureDate),
        dateSource,
        dateFrom: dateSourceLabel(dateSource),
        duplicate: entry.copied === false && !copiedBefore && typeof entry.filedBy !== 'string',
        skipped: false,
        fetched: !read && previous && previous.fetched !== '-' ? previous.fetched : `${formatBytes(Number(entry.bytesFetched))} / ${formatBytes(Number(entry.size))}`,
      });
    } else if (entry.message === 'skipped' && !rows.has(source)) {
      rows.set(source, {
        source,
        target: `(left in place: ${skipReasonWords(String(entry.reason))})`,
        captureDate: '-',
        dateSource: '-',
        dateFrom: '-',
        duplicate: false,
        skipped: true,
        fetched: '-',
      });
    }
  }
  return [...rows.values()].sort((a, b) => a.source.localeCompare(b.source));
}

export function countRows(rows: readonly Row[]): Counts {
  const copied = rows.filter((row) => !row.skipped && !row.duplicate);
  return {
    files: rows.length,
    organized: copied.filter((row) => row.captureDate !== '-').length,
    undated: copied.filter((row) => row.captureDate === '-').length,
    skipped: rows.filter((row) => row.skipped).length,
    duplicates: rows.filter((row) => row.duplicate).length,
  };
}

/** `23 files: 17 organized by date, 5 undated, 1 skipped, 1 duplicate (not copied)`. */
export function formatCounts(counts: Counts): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return (
    `${plural(counts.files, 'file')}: ${counts.organized} organized by date, ${counts.undated} undated (in undated/), ` +
    `${counts.skipped} skipped (left in place), ${plural(counts.duplicates, 'duplicate')} (not copied again)`
  );
}

export function formatTable(rows: readonly Row[]): string {
  const columns = ['file', 'filed as', 'taken', 'date from', 'read / size'] as const;
  const cells = rows.map((row) => [
    row.source,
    row.duplicate ? `${row.target}  (duplicate, not copied)` : row.target,
    row.captureDate === '-' ? '-' : row.captureDate.replace('T', ' '),
    row.dateFrom,
    row.fetched,
  ]);
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((cell) => cell[index]!.length)));
  const render = (cell: readonly string[]) => cell.map((text, index) => text.padEnd(widths[index]!)).join('  ').trimEnd();
  return [render(columns), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(render)].join('\n');
}

/**
 * The destination as a tree, one line per folder with its files after it (`2019-07-15/  a.jpg,
 * b.jpg`), at most `filesPerFolder` names per folder and then `... and N more`.
 */
export function formatTree(keys: readonly string[], filesPerFolder = 6): string {
  const folders = new Map<string, string[]>();
  for (const key of keys) {
    const slash = key.lastIndexOf('/');
    const folder = key.slice(0, slash + 1);
    folders.set(folder, [...(folders.get(folder) ?? []), key.slice(slash + 1)]);
  }
  const width = Math.max(0, ...[...folders.keys()].map((folder) => folder.length));
  return [...folders]
    .map(([folder, names]) => {
      const shown = names.slice(0, filesPerFolder).join(', ');
      const more = names.length > filesPerFolder ? `, ... and ${names.length - filesPerFolder} more` : '';
      return `  ${(folder || '(top level)').padEnd(width)}  ${shown}${more}`;
    })
    .join('\n');
}

/** The table, shortened to its first `maxRows` rows and a count of the rest when longer. */
export function formatTableCapped(rows: readonly Row[], maxRows = 60): string {
  if (rows.length <= maxRows) return formatTable(rows);
  return `${formatTable(rows.slice(0, maxRows))}\n... and ${rows.length - maxRows} more files (--json lists every one)`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function skipReasonWords(reason: string): string {
  const words: Record<string, string> = {
    'unsupported-file-type': 'not a photo or video',
    'object-gone': 'deleted before it was read',
    'already-organized': 'a copy the organizer made',
  };
  return words[reason] ?? reason;
}
