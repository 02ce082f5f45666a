import path from 'node:path';
import { companionKindOf, mediaClassOf, primaryFor, takeoutJsonNames, takeoutMediaFor, type TakeoutMetadata } from '../core/companions.js';
import { type CaptureDateDecision, decideCaptureDate } from '../core/date-policy/capture-date.js';
import { type ExtractedMetadata, textTag } from '../core/metadata.js';
import type { GroupPlacement, PlanSettings } from '../core/plan.js';
import { isMetadataDate, withTakeoutDate } from '../core/takeout-date.js';

/** One local file as `plan` read it. */
export interface LocalFile {
  /** The path as given on the command line. */
  readonly file: string;
  readonly metadata: ExtractedMetadata;
  /** What the file says when it is a Takeout JSON ({@link parseTakeoutJson} of its text). */
  readonly takeout?: TakeoutMetadata | undefined;
  /** When it would be uploaded (now, for `plan`). */
  readonly uploadedAt: Date;
}

/**
 * `photo-organizer plan`'s groups (issue 18): the placement of each file given, decided like the
 * function's (`organize/companion-group.ts`) but among the files named on the command line, by
 * folder: a companion follows its primary, a Live Photo video or a RAW its still (confirmed by
 * ContentIdentifier or camera when both carry one), a Takeout JSON dates its media. All files
 * are there at once, so nothing waits: a companion without its primary is placed by its own
 * dates. Files on their own get no entry.
 *
 * @returns placements by file path (as given)
 * @example
 * const placements = localGroups(files, configuration);
 * planObject(facts, { metadata }, configuration, placements.get('trip/IMG_0001.MOV'));
 */
export function localGroups(files: readonly LocalFile[], settings: Pick<PlanSettings, 'defaultTimeZone' | 'undated'>): Map<string, GroupPlacement> {
  const byFolder = new Map<string, Map<string, LocalFile>>();
  for (const file of files) {
    const folder = path.dirname(file.file);
    const names = byFolder.get(folder) ?? new Map<string, LocalFile>();
    names.set(path.basename(file.file), file);
    byFolder.set(folder, names);
  }
  const own = (file: LocalFile): CaptureDateDecision =>
    decideCaptureDate(file.metadata.tags, { fileName: path.basename(file.file), uploadedAt: file.uploadedAt, defaultTimeZone: settings.defaultTimeZone, undated: settings.undated });
  const withTakeout = (file: LocalFile, siblings: Map<string, LocalFile>): CaptureDateDecision => {
    const decision = own(file);
    if (isMetadataDate(decision)) return decision;
    const json = takeoutJsonNames(path.basename(file.file)).map((name) => siblings.get(name)).find((candidate) => candidate?.takeout);
    return withTakeoutDate(decision, json?.takeout, { defaultTimeZone: settings.defaultTimeZone, uploadedAt: file.uploadedAt });
  };

  const placements = new Map<string, GroupPlacement>();
  for (const siblings of byFolder.values()) {
    const names = [...siblings.keys()];
    for (const [name, file] of siblings) {
      const kind = companionKindOf(name);
      if (kind === 'takeout-json') {
        if (!file.takeout) continue;
        const media = takeoutMediaFor(name, names);
        const decision = media
          ? withTakeout(siblings.get(media)!, siblings)
          : withTakeoutDate({ dated: false, dateSource: 'Undated', rejected: [] }, file.takeout, { defaultTimeZone: settings.defaultTimeZone, uploadedAt: file.uploadedAt });
        placements.set(file.file, { decision, companion: true, ...(media ? { primaryKey: siblings.get(media)!.file } : {}) });
        continue;
      }
      const primaryName = primaryFor(name, names);
      const primary = primaryName ? siblings.get(primaryName) : undefined;
      if (kind) {
        placements.set(file.file, primary ? { decision: withTakeout(primary, siblings), companion: true, primaryKey: primary.file } : { decision: own(file), companion: true });
        continue;
      }
      if (primary && !mismatch(file, primary)) {
        placements.set(file.file, { decision: withTakeout(primary, siblings), companion: false, primaryKey: primary.file });
        continue;
      }
      if (mediaClassOf(name)) {
        const decision = withTakeout(file, siblings);
        if (decision.dateSource === 'TakeoutJson') placements.set(file.file, { decision, companion: false });
      }
    }
  }
  return placements;
}

/** The function's confirmations: Live Photo halves by ContentIdentifier, a RAW and its JPEG by camera, when both carry one. */
function mismatch(member: LocalFile, primary: LocalFile): boolean {
  const differ = (name: string) => {
    const a = textTag(member.metadata.tags, name);
    const b = textTag(primary.metadata.tags, name);
    return a !== undefined && b !== undefined && a.toLowerCase() !== b.toLowerCase();
  };
  if (differ('ContentIdentifier')) return true;
  return mediaClassOf(member.file) === 'raw' && (differ('Make') || differ('Model'));
}
