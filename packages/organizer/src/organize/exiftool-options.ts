import type { ExiftoolOptions } from '@photo-organizer/exiftool';
import { TAGS_TO_READ } from '../core/plan.js';
import { READ_BLOCK_SIZE } from '../s3/read-plan.js';
import type { Configuration } from '../settings/configuration.js';

/**
 * exiftool's options from the configuration, asking for the tags the core's plan reads. Kept apart
 * from `dependencies.ts` (no AWS SDK import), so the Lambda entry can start perl before the SDK loads.
 *
 * perl's environment is minimal (the exiftool package passes nothing of ours: no AWS credentials);
 * the layer's perl needs its shared libraries from `/opt/lib` (Lambda puts layers there), and a
 * missing directory elsewhere is harmless.
 *
 * @example
 * new ExiftoolProcess(exiftoolOptions(configuration));
 */
export function exiftoolOptions(configuration: Configuration): ExiftoolOptions {
  return {
    perlPath: configuration.exiftool.perlPath,
    exiftoolLibDir: configuration.exiftool.libDir,
    exiftoolScriptPath: configuration.exiftool.scriptPath,
    serverScriptPath: configuration.exiftool.serverScriptPath,
    timeoutMs: configuration.exiftool.timeoutMs,
    tags: TAGS_TO_READ,
    readBlockSize: READ_BLOCK_SIZE,
    environment: { LD_LIBRARY_PATH: '/opt/lib' },
    ...(configuration.exiftool.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: configuration.exiftool.memoryLimitBytes }),
  };
}
