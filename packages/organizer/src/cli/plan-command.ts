import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExiftoolProcess, fileSource } from '@photo-organizer/exiftool';
import { formatWallClock } from '../core/date-policy/date-value.js';
import { NO_METADATA } from '../core/metadata.js';
import { companionKindOf, parseTakeoutJson } from '../core/companions.js';
import { planObject } from '../core/plan.js';
import { exiftoolOptions } from '../organize/dependencies.js';
import type { Configuration } from '../settings/configuration.js';
import { type LocalFile, localGroups } from './plan-groups.js';

export interface PlanLine {
  readonly file: string;
  readonly captureDate: string | null;
  readonly dateSource: string;
  /** Relative to the destination prefix; `undated/...` when undated; null when the file is skipped. */
  readonly key: string | null;
  readonly skipped?: string;
  /** Issue 18: the file (as given) of the group's primary this one is filed with. */
  readonly companionOf?: string;
}

/**
 * Decides where local files would be filed, with the same driver and date policy as the function.
 * The "upload time" for the future-date check is now: the moment they would be uploaded. Files
 * named together form groups as uploads of one folder would (issue 18, `plan-groups.ts`): a
 * companion, a Live Photo video, a RAW follow their photo; a Takeout JSON dates its media.
 */
export async function planFiles(files: readonly string[], configuration: Configuration, onLine: (line: PlanLine) => void): Promise<number> {
  const exiftool = new ExiftoolProcess(exiftoolOptions(configuration));
  const uploadedAt = new Date();
  let failures = 0;
  const read: (LocalFile & { readonly size: number })[] = [];
  try {
    for (const file of files) {
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new Error('not a regular file');
        const metadata = info.size === 0 ? NO_METADATA : await exiftool.readMetadata(fileSource(file));
        const takeout =
          companionKindOf(path.basename(file)) === 'takeout-json' && info.size <= 1024 * 1024 ? parseTakeoutJson(await readFile(file, 'utf8')) : undefined;
        read.push({ file, metadata, takeout, uploadedAt, size: info.size });
      } catch (error) {
        failures++;
        onLine({ file, captureDate: null, dateSource: 'Undated', key: null, skipped: `error: ${(error as Error).message}` });
      }
    }
  } finally {
    await exiftool.close();
  }
  const placements = localGroups(read, configuration);
  for (const { file, metadata, size } of read) {
    // The same plan as the function's, for an object named like the file, uploaded now, with
    // keys relative to the destination prefix.
    const placement = placements.get(file);
    const plan = planObject(
      { object: { bucket: '', key: path.basename(file), size, eTag: '' }, lastModified: uploadedAt, contentHeaders: {} },
      { metadata },
      { ...configuration, destinationPrefix: '', sourcePrefix: '', sidecar: false, move: false },
      placement,
    );
    if (plan.action === 'skip') {
      onLine({ file, captureDate: null, dateSource: 'Undated', key: null, skipped: plan.detail });
      continue;
    }
    const { decision } = plan;
    onLine({
      file,
      captureDate: decision.dated ? formatWallClock(decision.captureDate) : null,
      dateSource: decision.dateSource,
      key: plan.targetKey,
      ...(placement?.primaryKey ? { companionOf: placement.primaryKey } : {}),
    });
  }
  return failures;
}
