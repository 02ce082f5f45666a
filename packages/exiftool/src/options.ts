import path from 'node:path';
import { serverScriptPath } from './server-script.js';

/** How to run exiftool. `exiftoolLibDir` and `tags` (or `allTags: true`) are required. */
export interface ExiftoolOptions {
  /**
   * Directory holding `Image/ExifTool.pm` (passed to perl as `-I`). Lambda layer: `/opt/lib/perl5`;
   * development: `pinnedExiftool().libDir` from the test kit.
   */
  readonly exiftoolLibDir: string;
  /**
   * The perl interpreter. Lambda layer: `/opt/bin/perl`.
   * @default 'perl'
   */
  readonly perlPath?: string;
  /**
   * The exiftool command-line script, used by stream mode only. Lambda layer: `/opt/bin/exiftool`.
   * @default path.join(exiftoolLibDir, '..', 'exiftool') (the Image-ExifTool / exiftool-vendored.pl layout)
   */
  readonly exiftoolScriptPath?: string;
  /**
   * The random-access server script. Lambda layer: `/opt/lib/photo-organizer/exiftool-server.pl`.
   * @default serverScriptPath() (the copy shipped in this package)
   */
  readonly serverScriptPath?: string;
  /**
   * Limit for one request, including a process start. On expiry the process gets SIGTERM.
   * @default 20000
   */
  readonly timeoutMs?: number;
  /**
   * Delay between SIGTERM and SIGKILL.
   * @default 1000
   */
  readonly killGraceMs?: number;
  /**
   * Random access asks its source for whole aligned blocks of this size (and caches them in perl,
   * saving a round trip per small read). Set it to the source's block size (the range reader's
   * `blockSize`) so no extra bytes are fetched.
   * @default 65536
   */
  readonly readBlockSize?: number;
  /**
   * Tags to ask for (exiftool names without group, e.g. `DateTimeOriginal`). Required unless
   * `allTags` is set: which tags matter is the caller's policy, not the driver's (the organizer
   * passes its date policy's list).
   */
  readonly tags?: readonly string[];
  /**
   * Return every tag exiftool finds instead of `tags`.
   * @default false
   */
  readonly allTags?: boolean;
}

export interface NormalizedOptions {
  readonly exiftoolLibDir: string;
  readonly perlPath: string;
  readonly exiftoolScriptPath: string;
  readonly serverScriptPath: string;
  readonly timeoutMs: number;
  readonly killGraceMs: number;
  readonly readBlockSize: number;
  readonly tags: readonly string[];
  readonly allTags: boolean;
}

// Tag names travel to exiftool as arguments (stream mode) or protocol lines: letters, digits, _ - : only.
const TAG_NAME = /^[A-Za-z][\w-]*(:[\w-]+)?$/;

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function nonEmptyString(name: string, value: unknown, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`Option ${name} must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`Option ${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** Checks a tag list (used for per-request overrides too). */
export function normalizeTags(name: string, value: unknown, fallback?: readonly string[]): readonly string[] {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`Option ${name} must be a non-empty array of tag names, got ${describe(value)}`);
  }
  for (const tag of value) {
    if (typeof tag !== 'string' || !TAG_NAME.test(tag)) {
      throw new TypeError(`Option ${name} holds an invalid tag name: ${describe(tag)}`);
    }
  }
  return Object.freeze([...(value as string[])]);
}

export function normalizeBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`Option ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/**
 * Applies defaults and checks every option; throws TypeError naming the first bad one.
 *
 * @example
 * ```ts
 * normalizeOptions({ exiftoolLibDir: '/opt/lib/perl5' }).timeoutMs; // 20000
 * ```
 */
export function normalizeOptions(options: ExiftoolOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Options must be an object, got ${describe(options)}`);
  }
  const exiftoolLibDir = nonEmptyString('exiftoolLibDir', options.exiftoolLibDir);
  return Object.freeze({
    exiftoolLibDir,
    perlPath: nonEmptyString('perlPath', options.perlPath, 'perl'),
    exiftoolScriptPath: nonEmptyString(
      'exiftoolScriptPath',
      options.exiftoolScriptPath,
      path.join(exiftoolLibDir, '..', 'exiftool'),
    ),
    serverScriptPath: nonEmptyString('serverScriptPath', options.serverScriptPath, serverScriptPath()),
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, 20_000),
    killGraceMs: positiveInteger('killGraceMs', options.killGraceMs, 1_000),
    readBlockSize: positiveInteger('readBlockSize', options.readBlockSize, 65_536),
    tags: options.tags === undefined && options.allTags === true ? Object.freeze([]) : normalizeTags('tags', options.tags),
    allTags: normalizeBoolean('allTags', options.allTags, false),
  });
}

/** Environment for every child: perl warns about a missing locale otherwise (Lambda sets LANG). */
export const CHILD_ENVIRONMENT: Readonly<Record<string, string>> = Object.freeze({ LC_ALL: 'C' });
