// The Lambda entry (the bundle's `index.handler`). perl takes ~100-150 ms to start and load
// ExifTool, and importing the AWS SDK (most of the bundle) about as long: so perl is started first,
// from modules that do not load the SDK, and the rest of the function is imported while it starts.
// The first ranged GET then finds perl ready. esbuild keeps the dynamic import lazy in the one-file
// bundle (the handler's modules are evaluated only when it runs).
import { ExiftoolProcess } from '@photo-organizer/exiftool';
import { exiftoolOptions } from '../organize/exiftool-options.js';
import { loadConfiguration, type Configuration } from '../settings/configuration.js';

function startEarly(): ExiftoolProcess | undefined {
  let configuration: Configuration;
  try {
    configuration = loadConfiguration(process.env);
  } catch {
    return undefined; // the handler reports every configuration problem on each invocation
  }
  if (configuration.readMode !== 'random-access') return undefined;
  const exiftool = new ExiftoolProcess(exiftoolOptions(configuration));
  // A failed start is reported by the first read, which tries a fresh process.
  exiftool.start().catch(() => {});
  return exiftool;
}

const early = startEarly();
const { createHandler } = await import('./handler.js');

/** See `createHandler` in `handler.ts`. */
export const handler = createHandler({ exiftoolProcess: early });
