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
  /**
   * Variables added to perl's environment, which otherwise is exactly
   * `{ PATH: '/usr/bin:/bin', LC_ALL: 'C' }` (nothing of this process's environment is passed on:
   * perl parses untrusted files and must never see the function's AWS credentials). The Lambda
   * layer's perl needs `{ LD_LIBRARY_PATH: '/opt/lib' }` for its shared libraries. Names starting
   * with `AWS_` are refused.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * ExifTool modules the warm process loads before it reports ready (names below
   * `Image::ExifTool::`), so the first object of a common format does not pay for compiling them.
   * Each costs memory (measured with ExifTool 13.59: 13 MiB bare, 22 MiB with the default list).
   * @default DEFAULT_PRELOAD_MODULES
   */
  readonly preloadModules?: readonly string[];
  /**
   * Restart the warm process after a request that leaves it above this resident size (bytes):
   * ExifTool keeps every module it loaded, so RSS grows with each new format (measured: 22 MiB ready,
   * ~87 MiB after every format of the corpus). Read from `/proc/<pid>/status` (Linux; no check elsewhere).
   * @default 134217728 (128 MiB)
   */
  readonly maxRssBytes?: number;
  /**
   * Hard ceiling on perl's resident size (bytes) while a request runs: the driver reads `VmRSS` from
   * `/proc/<pid>/status` every `memoryCheckIntervalMs` and kills perl with SIGKILL as soon as it is
   * above, failing the request with `ExiftoolMemoryLimitError`. A deflate bomb (a PNG zTXt of
   * 1 MB that inflates to 1 GiB: ExifTool inflates it wholly, ~2 GiB of RSS) then cannot take the
   * function's memory. Stream mode checks its exiftool CLI the same way. Linux only (Lambda's OS);
   * where /proc has no such file nothing is checked.
   * Set it well below the function's memory, which Node shares (the organizer passes 60% of
   * `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`). Reads of the corpus stay below 90 MiB.
   * @default 536870912 (512 MiB)
   */
  readonly memoryLimitBytes?: number;
  /**
   * How often the `memoryLimitBytes` check runs during a request. perl grows by ~0.4 MiB per ms while
   * inflating a bomb (measured: 2 GiB in ~6 s), so 50 ms lets it pass the limit by ~20 MiB at most.
   * @default 50
   */
  readonly memoryCheckIntervalMs?: number;
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
  readonly environment: Readonly<Record<string, string>>;
  readonly preloadModules: readonly string[];
  readonly maxRssBytes: number;
  readonly memoryLimitBytes: number;
  readonly memoryCheckIntervalMs: number;
}

/**
 * Modules loaded before READY by default: what JPEG, HEIC/AVIF, MP4/MOV, PNG and most RAW reads
 * load (traced with `%INC` over the corpus with ExifTool 13.59). Maker-note modules (Canon.pm alone
 * is 2 MiB of source) load on demand.
 */
export const DEFAULT_PRELOAD_MODULES: readonly string[] = Object.freeze([
  'Exif',
  'GPS',
  'XMP',
  'MakerNotes',
  'QuickTime',
  'Apple',
  'PLIST',
  'ICC_Profile',
]);

/** The whole environment perl starts from (explicit, so nothing of the caller's leaks in). */
export const BASE_CHILD_ENVIRONMENT: Readonly<Record<string, string>> = Object.freeze({ PATH: '/usr/bin:/bin', LC_ALL: 'C' });

const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MODULE_NAME = /^[A-Za-z][A-Za-z0-9_]*(::[A-Za-z][A-Za-z0-9_]*)*$/;

function environmentOption(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return BASE_CHILD_ENVIRONMENT;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`Option environment must be an object of strings, got ${describe(value)}`);
  }
  for (const [name, text] of Object.entries(value)) {
    if (!ENVIRONMENT_NAME.test(name) || typeof text !== 'string' || text.includes('\0')) {
      throw new TypeError(`Option environment holds an invalid variable: ${describe(name)}=${describe(text)}`);
    }
    // perl parses untrusted files: credentials in its environment would be one exploit away.
    if (name.toUpperCase().startsWith('AWS_')) {
      throw new TypeError(`Option environment may not pass ${name} to perl (no AWS_ variables: perl parses untrusted files)`);
    }
  }
  return Object.freeze({ ...BASE_CHILD_ENVIRONMENT, ...(value as Record<string, string>) });
}

function moduleList(value: unknown): readonly string[] {
  if (value === undefined) return DEFAULT_PRELOAD_MODULES;
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string' || !MODULE_NAME.test(name))) {
    throw new TypeError(`Option preloadModules must be an array of ExifTool module names (e.g. 'QuickTime'), got ${describe(value)}`);
  }
  return Object.freeze([...(value as string[])]);
}

// Tag names travel to exiftool as arguments (stream mode) or protocol lines: letters, digits, _ - : only.
const TAG_NAME = /^[A-Za-z][\w-]*(:[\w-]+)?$/;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
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
    environment: environmentOption(options.environment),
    preloadModules: moduleList(options.preloadModules),
    maxRssBytes: positiveInteger('maxRssBytes', options.maxRssBytes, 128 * 1024 * 1024),
    memoryLimitBytes: positiveInteger('memoryLimitBytes', options.memoryLimitBytes, 512 * 1024 * 1024),
    memoryCheckIntervalMs: positiveInteger('memoryCheckIntervalMs', options.memoryCheckIntervalMs, 50),
  });
}
