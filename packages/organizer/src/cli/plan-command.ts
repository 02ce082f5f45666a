import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ExiftoolProcess, fileSource } from '@photo-organizer/exiftool';
import { formatWallClock } from '../core/date-policy/date-value.js';
import { NO_METADATA } from '../core/metadata.js';
import { planObject } from '../core/plan.js';
import { exiftoolOptions } from '../organize/dependencies.js';
import type { Configuration } from '../settings/configuration.js';

export interface PlanLine {
  readonly file: string;
  readonly captureDate: string | null;
  readonly dateSource: string;
  /** Relative to the destination prefix; `undated/...` when undated; null when the file is skipped. */
  readonly key: string | null;
  readonly skipped?: string;
}

/**
 * Decides where local files would be filed, with the same driver and date policy as the function.
 * The "upload time" for the future-date check is now: the moment they would be uploaded.
 */
export async function planFiles(files: readonly string[], configuration: Configuration, onLine: (line: PlanLine) => void): Promise<number> {
  const exiftool = new ExiftoolProcess(exiftoolOptions(configuration));
  let failures = 0;
  try {
    for (const file of files) {
      const fileName = path.basename(file);
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new Error('not a regular file');
        const metadata = info.size === 0 ? NO_METADATA : await exiftool.readMetadata(fileSource(file));
        // The same plan as the function's, for an object named like the file, uploaded now, with
        // keys relative to the destination prefix.
        const plan = planObject(
          { object: { bucket: '', key: fileName, size: info.size, eTag: '' }, lastModified: new Date(), contentHeaders: {} },
          { metadata },
          { ...configuration, destinationPrefix: '', sourcePrefix: '', sidecar: false, move: false },
        );
        if (plan.action === 'skip') {
          onLine({ file, captureDate: null, dateSource: 'Undated', key: null, skipped: plan.detail });
          continue;
        }
        const { decision } = plan;
        onLine({ file, captureDate: decision.dated ? formatWallClock(decision.captureDate) : null, dateSource: decision.dateSource, key: plan.targetKey });
      } catch (error) {
        failures++;
        onLine({ file, captureDate: null, dateSource: 'Undated', key: null, skipped: `error: ${(error as Error).message}` });
      }
    }
  } finally {
    await exiftool.close();
  }
  return failures;
}
