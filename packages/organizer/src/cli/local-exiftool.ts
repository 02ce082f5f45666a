import { createRequire } from 'node:module';
import path from 'node:path';
import { serverScriptPath } from '@photo-organizer/exiftool';

/**
 * Where exiftool is on a developer's machine: the copy pinned through `exiftool-vendored.pl`
 * (a dependency of this package), run by the machine's perl. Environment variables
 * (EXIFTOOL_PERL, EXIFTOOL_LIB, ...) still win: these are only defaults.
 */
export function localExiftoolDefaults(): Record<string, string> {
  const require = createRequire(import.meta.url);
  try {
    const script = require('exiftool-vendored.pl') as string;
    return {
      EXIFTOOL_PERL: 'perl',
      EXIFTOOL_LIB: path.join(path.dirname(script), 'lib'),
      EXIFTOOL_SCRIPT: script,
      EXIFTOOL_SERVER_SCRIPT: serverScriptPath(),
    };
  } catch {
    // Not installed: fall back to the layer's paths (/opt/...), which the configuration defaults to.
    return { EXIFTOOL_SERVER_SCRIPT: serverScriptPath() };
  }
}
