import { createHash } from 'node:crypto';
import type { WallClock } from './date-policy/date-value.js';

/**
 * The default layout: `2018-02-01/foobar.jpg`.
 * @example
 * renderKey(DEFAULT_KEY_TEMPLATE, { fileName: 'a.jpg', dir: '', captureDate }); // '2018-02-01/a.jpg'
 */
export const DEFAULT_KEY_TEMPLATE = '{yyyy}-{mm}-{dd}/{name}';
/** Where files without a usable date go (relative to the destination prefix). */
export const UNDATED_FOLDER = 'undated';
/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** The placeholders a key template may use. */
export const KEY_TEMPLATE_PLACEHOLDERS = ['yyyy', 'mm', 'dd', 'hh', 'name', 'stem', 'ext', 'dir'] as const;
type Placeholder = (typeof KEY_TEMPLATE_PLACEHOLDERS)[number];
/**
 * A template must name the file ({name}, or {stem} when it spells the extension itself): without
 * either, every file of a day would get the same key. The settings' validation (and Terraform's)
 * use this list.
 */
export const KEY_TEMPLATE_REQUIRED_ONE_OF: readonly Placeholder[] = ['name', 'stem'];

/**
 * Returns the problems of a key template (empty when it is usable), each phrased to follow the
 * setting's name (`KEY_TEMPLATE unknown placeholder {month} ...`).
 *
 * @example
 * keyTemplateProblems('{yyyy}/{foo}/{name}'); // ['unknown placeholder {foo} (known: {yyyy} {mm} ...)']
 */
export function keyTemplateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const [, name] of template.matchAll(/\{([^}]*)\}/g)) {
    if (!KEY_TEMPLATE_PLACEHOLDERS.includes(name as Placeholder)) {
      problems.push(`unknown placeholder {${name}} (known: ${KEY_TEMPLATE_PLACEHOLDERS.map((item) => `{${item}}`).join(' ')})`);
    }
  }
  if (!KEY_TEMPLATE_REQUIRED_ONE_OF.some((name) => template.includes(`{${name}}`))) {
    problems.push('must contain {name} or {stem}, or every file would get the same key');
  }
  if (template.startsWith('/')) problems.push('must not start with "/" (S3 keys have no leading slash)');
  return problems;
}

export interface KeyParts {
  /** The object's file name (last segment of the source key). */
  readonly fileName: string;
  /** The source key's folder below the source prefix, without slashes at the ends ('' if none). */
  readonly dir: string;
  /** The capture date, or undefined for undated files. */
  readonly captureDate: WallClock | undefined;
}

/**
 * Renders the destination key (without the destination prefix). Undated files go to
 * `undated/{name}` (with `{dir}` kept when the template uses it).
 *
 * @example
 * renderKey('{yyyy}/{mm}/{name}', { fileName: 'a.jpg', dir: '', captureDate: { year: 2018, month: 2, day: 1, ... } });
 * // '2018/02/a.jpg'
 */
export function renderKey(template: string, parts: KeyParts): string {
  const { stem, ext } = splitExtension(parts.fileName);
  const date = parts.captureDate;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  if (!date) {
    const undated = template.includes('{dir}') && parts.dir ? `${UNDATED_FOLDER}/${parts.dir}/{name}` : `${UNDATED_FOLDER}/{name}`;
    return normalise(fill(undated, { name: parts.fileName, stem, ext, dir: parts.dir }));
  }
  return normalise(
    fill(template, {
      yyyy: pad(date.year, 4),
      mm: pad(date.month),
      dd: pad(date.day),
      hh: pad(date.hour),
      name: parts.fileName,
      stem,
      ext,
      dir: parts.dir,
    }),
  );
}

/** `photo.jpg` -> `photo-1.jpg`: the name a second, different photo of the same name gets. */
export function numberedKey(key: string, index: number): string {
  const slash = key.lastIndexOf('/');
  const { stem, ext } = splitExtension(key.slice(slash + 1));
  return `${key.slice(0, slash + 1)}${stem}-${index}${ext ? `.${ext}` : ''}`;
}

/** What a file name keeps at least when a deep folder (`{dir}`) is shortened instead. */
const MIN_NAME_BYTES = 200;

/**
 * Joins prefix and key and keeps the result within S3's 1,024-byte limit. A folder too deep to
 * leave room for the name (a long `{dir}`) is cut and given a hash of the whole folder, so every
 * file of one deep folder lands in the same shortened folder and two folders never merge; an
 * over-long file name is shortened the same way, with a hash of the full key. Deterministic.
 *
 * @example
 * joinKey('library/', `${'deep/'.repeat(200)}IMG_1.JPG`); // 'library/deep/deep/...dee~3f9a0c1b2d4e/IMG_1.JPG' (at most 1,016 bytes)
 */
export function joinKey(prefix: string, key: string, reserveBytes = 8): string {
  const full = `${prefix}${key}`;
  if (Buffer.byteLength(full) + reserveBytes <= MAX_KEY_BYTES) return full;
  const slash = full.lastIndexOf('/');
  const name = full.slice(slash + 1);
  let folder = full.slice(0, slash + 1);
  // Issue 21: a deep folder is shortened with a hash, like names, instead of failing every attempt.
  const folderBudget = MAX_KEY_BYTES - reserveBytes - Math.min(Buffer.byteLength(name), MIN_NAME_BYTES);
  if (Buffer.byteLength(folder) > folderBudget) {
    const folderSuffix = `~${createHash('sha256').update(folder).digest('hex').slice(0, 12)}/`;
    folder = `${truncateUtf8(folder.slice(0, -1), folderBudget - Buffer.byteLength(folderSuffix))}${folderSuffix}`;
    if (Buffer.byteLength(folder) + Buffer.byteLength(name) + reserveBytes <= MAX_KEY_BYTES) return `${folder}${name}`;
  }
  const { stem, ext } = splitExtension(name);
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
  const suffix = `~${hash}${ext ? `.${ext}` : ''}`;
  const budget = MAX_KEY_BYTES - reserveBytes - Buffer.byteLength(folder) - Buffer.byteLength(suffix);
  if (budget < 1) throw new RangeError(`destination folder is too long for an S3 key: ${folder.slice(0, 80)}...`);
  return `${folder}${truncateUtf8(stem, budget)}${suffix}`;
}

export function splitExtension(fileName: string): { stem: string; ext: string } {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || dot === fileName.length - 1) return { stem: fileName, ext: '' };
  return { stem: fileName.slice(0, dot), ext: fileName.slice(dot + 1) };
}

function fill(template: string, values: Partial<Record<Placeholder, string>>): string {
  return template.replace(/\{([a-z]+)\}/g, (_, name: Placeholder) => values[name] ?? '');
}

/**
 * Empty `{dir}` leaves `//`; S3 would keep it as an empty folder name. A `.` or `..` segment (a
 * key S3 allows, e.g. `photos/..`) becomes `_` / `__`, and a NUL U+FFFD: a tool copying the
 * library to a disk (aws s3 sync, rclone) would resolve those outside the folder they name.
 */
function normalise(key: string): string {
  return key
    .replace(/\/{2,}/g, '/')
    .replace(/^\//, '')
    .split('/')
    .map((segment) => (segment === '.' ? '_' : segment === '..' ? '__' : segment))
    .join('/')
    .replace(/\0/g, '\uFFFD');
}

function truncateUtf8(text: string, maxBytes: number): string {
  let result = '';
  let bytes = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character);
    if (bytes + size > maxBytes) break;
    result += character;
    bytes += size;
  }
  return result;
}
