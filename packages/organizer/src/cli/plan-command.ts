import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ExiftoolProcess, fileSource, type MetadataResult } from '@photo-organizer/exiftool';
import { decideCaptureDate } from '../core/date-policy/capture-date.js';
import type { Configuration } from '../settings/configuration.js';
import { formatWallClock } from '../core/date-policy/date-value.js';
import { joinKey, renderKey } from '../core/key-template.js';
import { unsupportedReason } from '../core/media-type.js';

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
  const exiftool = new ExiftoolProcess({
    perlPath: configuration.exiftool.perlPath,
    exiftoolLibDir: configuration.exiftool.libDir,
    serverScriptPath: configuration.exiftool.serverScriptPath,
    timeoutMs: configuration.exiftool.timeoutMs,
  });
  let failures = 0;
  try {
    for (const file of files) {
      const fileName = path.basename(file);
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new Error('not a regular file');
        const metadata: MetadataResult = info.size === 0 ? { tags: {}, warnings: [] } : await exiftool.readMetadata(fileSource(file));
        const unsupported = info.size > 0 ? unsupportedReason(metadata) : undefined;
        if (unsupported) {
          onLine({ file, captureDate: null, dateSource: 'Undated', key: null, skipped: unsupported });
          continue;
        }
        const decision = decideCaptureDate(metadata.tags, {
          fileName,
          uploadedAt: new Date(),
          defaultTimeZone: configuration.defaultTimeZone,
          undated: configuration.undated,
        });
        const key = joinKey(
          '',
          renderKey(configuration.keyTemplate, { fileName, dir: '', captureDate: decision.dated ? decision.captureDate : undefined }),
        );
        onLine({ file, captureDate: decision.dated ? formatWallClock(decision.captureDate) : null, dateSource: decision.dateSource, key });
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
