import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Paths of the exiftool pinned through `exiftool-vendored.pl` (the version the layer ships).
 *
 * @example
 * ```ts
 * const { perl, libDir, script } = pinnedExiftool();
 * ```
 */
export interface PinnedExiftool {
  /** The `exiftool` script. */
  readonly script: string;
  /** Directory holding `Image/ExifTool.pm`, for `-I` / `PERL5LIB`. */
  readonly libDir: string;
  /** The perl that runs it in development and tests: the machine's. */
  readonly perl: string;
  readonly version: string;
}

/**
 * Where the pinned exiftool is installed, resolved from `node_modules`.
 *
 * @throws {Error} `MODULE_NOT_FOUND` when `exiftool-vendored.pl` is not installed
 * @example
 * ```ts
 * spawn(pinnedExiftool().perl, ['-I', pinnedExiftool().libDir, pinnedExiftool().script, '-ver']);
 * ```
 */
export function pinnedExiftool(): PinnedExiftool {
  const script = require('exiftool-vendored.pl') as string;
  const { version } = require('exiftool-vendored.pl/package.json') as { version: string };
  return { script, libDir: path.join(path.dirname(script), 'lib'), perl: 'perl', version };
}
