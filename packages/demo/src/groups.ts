import type { FiledItem } from '@photo-organizer/organizer';

/**
 * The files the function organized, read from its JSON log lines (`organized`, with `companionOf`
 * when a file was filed with a group's primary: issue 18), for `groupLines`.
 *
 * @example
 * groupLines(filedItems(pipeline.runtime.logs.map((log) => log.line))); // ['IMG_0001.HEIC + .AAE + .MOV -> 2021-06-30/']
 */
export function filedItems(lines: readonly string[]): FiledItem[] {
  const items: FiledItem[] = [];
  for (const line of lines) {
    const start = line.indexOf('{');
    if (start < 0 || !line.includes('"organized"')) continue;
    try {
      const entry = JSON.parse(line.slice(start)) as Record<string, unknown>;
      if (entry.message !== 'organized' || typeof entry.source !== 'string' || typeof entry.targetKey !== 'string') continue;
      items.push({ source: entry.source, targetKey: entry.targetKey, ...(typeof entry.companionOf === 'string' ? { companionOf: entry.companionOf } : {}) });
    } catch {
      continue;
    }
  }
  return items;
}
