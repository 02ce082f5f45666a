import { fileURLToPath } from 'node:url';

/**
 * Path of the packaged Perl server (`perl/exiftool-server.pl`), run as
 * `perl -I <exiftoolLibDir> <path>`. The Lambda layer ships a copy of this exact file.
 *
 * @example
 * ```ts
 * import { serverScriptPath } from '@photo-organizer/exiftool';
 * console.log(serverScriptPath()); // .../node_modules/@photo-organizer/exiftool/perl/exiftool-server.pl
 * ```
 */
export function serverScriptPath(): string {
  // dist/index.js and src/server-script.ts both sit one level below the package root.
  return fileURLToPath(new URL('../perl/exiftool-server.pl', import.meta.url));
}
