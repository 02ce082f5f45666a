import { splitExtension } from './key-template.js';

/**
 * One organized file, as the CLI, the demo and the logs report it (an organized `Outcome` has these fields).
 * @example
 * const item: FiledItem = { source: 's3://in/p/IMG_1234.MOV', targetKey: '2021-06-30/IMG_1234.MOV', companionOf: 's3://in/p/IMG_1234.HEIC' };
 */
export interface FiledItem {
  /** The source key (or `s3://bucket/key`). */
  readonly source: string;
  /** Where its copy went. */
  readonly targetKey: string;
  /** The primary it was filed with (issue 18), same form as `source`. */
  readonly companionOf?: string | undefined;
}

/**
 * One line per group of files filed together, for people: `IMG_1234.HEIC + .MOV + .AAE ->
 * 2021-06-30/`. A member whose name starts like its primary's shows only the rest of its name;
 * others show their whole name (`IMG_O1234.AAE`, a clipped Takeout JSON). The folder is the
 * primary's copy's, else the members'. Files on their own give no line.
 *
 * @example
 * groupLines([
 *   { source: 'p/IMG_1234.HEIC', targetKey: '2021-06-30/IMG_1234.HEIC' },
 *   { source: 'p/IMG_1234.MOV', targetKey: '2021-06-30/IMG_1234.MOV', companionOf: 'p/IMG_1234.HEIC' },
 *   { source: 'p/IMG_1234.AAE', targetKey: '2021-06-30/IMG_1234.AAE', companionOf: 'p/IMG_1234.HEIC' },
 * ]);
 * // ['IMG_1234.HEIC + .MOV + .AAE -> 2021-06-30/']
 */
export function groupLines(items: readonly FiledItem[]): string[] {
  const bySource = new Map(items.map((item) => [item.source, item]));
  const members = new Map<string, FiledItem[]>();
  for (const item of items) {
    if (!item.companionOf) continue;
    const list = members.get(item.companionOf) ?? [];
    if (!list.some((member) => member.source === item.source)) list.push(item);
    members.set(item.companionOf, list);
  }
  const lines: string[] = [];
  for (const [primary, list] of [...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const primaryName = nameOf(primary);
    const { stem } = splitExtension(primaryName);
    const rest = list
      .map((member) => nameOf(member.source))
      .sort()
      .map((name) => (name.startsWith(`${stem}.`) ? name.slice(stem.length) : name));
    const folderKey = bySource.get(primary)?.targetKey ?? list[0]!.targetKey;
    lines.push(`${primaryName} + ${rest.join(' + ')} -> ${folderKey.slice(0, folderKey.lastIndexOf('/') + 1)}`);
  }
  return lines;
}

function nameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
