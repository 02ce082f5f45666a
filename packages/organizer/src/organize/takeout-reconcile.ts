import type { S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import type { CaptureDateDecision } from '../core/date-policy/capture-date.js';
import { formatWallClock } from '../core/date-policy/date-value.js';
import type { ExtractedMetadata } from '../core/metadata.js';
import { type ObjectFacts, objectUrl } from '../core/object-reference.js';
import { type Plan, planObject } from '../core/plan.js';
import { isMetadataDate, withTakeoutDate } from '../core/takeout-date.js';
import type { Logger } from '../lambda/logger.js';
import { movedPointerKey, readMovedPointer } from '../s3/moved-pointer.js';
import { placeCopy, type PlacedCopy } from '../s3/place-copy.js';
import { writeSidecar } from '../s3/sidecar.js';
import type { Configuration } from '../settings/configuration.js';
import { findTakeoutJson, type GroupResolution, type PrimaryInSource } from './companion-group.js';
import { refileMovedCopy } from './refile-moved.js';
import { removeStaleCopies } from './stale-copies.js';

type CopyPlan = Extract<Plan, { action: 'copy' }>;

/**
 * What {@link reconcileTakeout} needs: this event's object, its group, its plan and its copy.
 * @example
 * const options: ReconcileOptions = { client, configuration, group, facts, metadata, plan, placed, logger };
 */
export interface ReconcileOptions {
  readonly client: S3Client;
  readonly configuration: Configuration;
  readonly group: GroupResolution;
  /** The object this event organized, its metadata, its plan and where its copy was placed. */
  readonly facts: ObjectFacts;
  readonly metadata: ExtractedMetadata;
  readonly plan: CopyPlan;
  readonly placed: PlacedCopy;
  readonly signal?: AbortSignal | undefined;
  /** `Date.now()` by which a big multipart copy stops cleanly (it resumes on the retry). */
  readonly deadline?: number | undefined;
  /** Told when this event files another object (a JSON's media): one `organized` line for it. */
  readonly logger?: Logger | undefined;
}

/**
 * A photo without a date of its own and its Google Takeout JSON converge on the JSON's date
 * whichever is processed first, in copy and in move mode, without a database and without
 * waiting. Each side writes before it looks (S3 is strongly consistent), so at least one of the
 * two sees the other; doing it twice changes nothing:
 * - the media's event files the media (move mode: and writes its pointer, `s3/moved-pointer.ts`),
 *   then looks for the JSON again, in its folder and (move mode) among moved JSONs' pointers. If
 *   it is there now, the media is copied from its source to the Takeout-dated key and the first
 *   copy is removed; move mode rewrites the pointer and deletes the source after that (the caller).
 * - the JSON's event, having filed the JSON beside its media's Takeout-dated key, files the media
 *   there too: from its source when the source is still there (copy mode then removes the copy
 *   filed without the JSON; move mode leaves that to the media's event, which is in flight, or to
 *   the pointer below), and, in move mode, from the copy its pointer names when the media was
 *   moved without the JSON (`refile-moved.ts`: copy, verify, delete the stale copy, rewrite the pointer).
 * - a media event that finds its JSON at once also removes a copy an earlier attempt of it filed
 *   without the JSON (a crash before that attempt removed it).
 * Only a copy this organizer made of exactly this source version (`organized-by`, `source-key`,
 * `source-etag`) is removed, with `If-Match`, and only once the right copy is verified; a
 * source is only deleted by the caller, after its final copy is verified.
 *
 * @returns the plan and placement of this event's own object (changed when the media moved).
 * @throws the SDK's error when S3 fails (the event is retried; every step is idempotent).
 * @example
 * ({ plan, placed } = await reconcileTakeout({ client, configuration, group, facts, metadata, plan, placed }));
 */
export async function reconcileTakeout(options: ReconcileOptions): Promise<{ plan: CopyPlan; placed: PlacedCopy }> {
  const { client, configuration, group, facts, plan, placed, signal } = options;
  const unchanged = { plan, placed };

  if (group.kind === 'placed' && group.takeoutMedia) {
    await fileMediaOfJson(options, group.takeoutMedia);
    return unchanged;
  }
  if (group.kind === 'placed' && group.takeoutMoved) {
    const { pointer, decision } = group.takeoutMoved;
    const result = await refileMovedCopy({ client, configuration, pointer, decision, signal, deadline: options.deadline });
    logRefiled(options, { bucket: pointer.sourceBucket, key: pointer.sourceKey }, decision, result);
    return unchanged;
  }
  if (group.kind === 'placed' && group.role === 'takeout-dated' && group.ownDecision) {
    const stale = planObject(facts, { metadata: options.metadata }, configuration, { decision: group.ownDecision, companion: false });
    if (stale.action === 'copy' && stale.targetKey !== placed.key) await removeStaleCopies(client, configuration.destinationBucket, stale.targetKey, facts.object, placed.key, signal);
    return unchanged;
  }
  if (group.kind !== 'alone' || isMetadataDate(plan.decision)) return unchanged;
  // This media was filed without a Takeout JSON: has one arrived meanwhile?
  const takeout = await findTakeoutJson({ client, facts, signal, settings: configuration }, folderOf(facts.object.key), fileName(facts.object.key));
  const decision = withTakeoutDate(plan.decision, takeout, { defaultTimeZone: configuration.defaultTimeZone, uploadedAt: facts.lastModified });
  if (decision.dateSource !== 'TakeoutJson') return unchanged;
  const media: PrimaryInSource = {
    key: facts.object.key,
    decision,
    ownDecision: plan.decision,
    contentIdentifier: undefined,
    waiting: false,
    facts,
    metadata: options.metadata,
  };
  return refile(options, media, { removeStale: true });
}

/** A JSON's event files its media (read from the source) under the JSON's date. */
async function fileMediaOfJson(options: ReconcileOptions, media: PrimaryInSource): Promise<void> {
  const { client, configuration, signal } = options;
  const move = configuration.move;
  try {
    // Move mode leaves the media's copy filed without the JSON to the media's own event (in
    // flight: its source is still there) or to the pointer below: removing it here could fail
    // that event's check of its copy before it deletes its source.
    const refiled = await refile(options, media, { removeStale: !move });
    logRefiled(options, media.facts.object, media.decision, { status: 'refiled', key: refiled.placed.key, copied: refiled.placed.copied });
  } catch (error) {
    // Move mode: the media's event moved it meanwhile (404), or a newer upload replaced it (412):
    // its pointer (below) or that upload's own event files it.
    const kind = s3ErrorKind(error);
    if (!move || (kind !== 'not-found' && kind !== 'precondition-failed')) throw error;
  }
  if (!move) return;
  // Moved (or kept by a legal hold) already without the JSON: its pointer names that copy.
  const pointer = await readMovedPointer(
    client,
    configuration.destinationBucket,
    movedPointerKey(configuration.destinationPrefix, media.facts.object.bucket, media.key),
    signal,
  );
  const version = media.facts.object.eTag.replace(/"/g, '');
  if (!pointer || isMetadataDate(pointer.decision) || (pointer.sourceETag !== undefined && pointer.sourceETag !== version)) return;
  const result = await refileMovedCopy({ client, configuration, pointer, decision: media.decision, signal, deadline: options.deadline });
  if (result.status !== 'unchanged') logRefiled(options, media.facts.object, media.decision, result);
}

/** Copies the media from its source to its Takeout-dated key and (removeStale) removes its copies filed without the JSON. */
async function refile(options: ReconcileOptions, media: PrimaryInSource, how: { readonly removeStale: boolean }): Promise<{ plan: CopyPlan; placed: PlacedCopy }> {
  const { client, configuration, signal } = options;
  const read = { metadata: media.metadata };
  const target = planObject(media.facts, read, configuration, { decision: media.decision, companion: false });
  const stale = planObject(media.facts, read, configuration, { decision: media.ownDecision, companion: false });
  if (target.action !== 'copy' || stale.action !== 'copy') return { plan: options.plan, placed: options.placed };
  const placed = await placeCopy({
    client,
    source: media.facts.object,
    destinationBucket: configuration.destinationBucket,
    targetKey: target.targetKey,
    contentHeaders: media.facts.contentHeaders,
    userMetadata: target.userMetadata,
    multipartThresholdBytes: configuration.multipartThresholdBytes,
    partSizeBytes: configuration.multipartPartSizeBytes,
    checksums: configuration.s3.checksums,
    signal,
    deadline: options.deadline,
  });
  if (target.sidecar) await writeSidecar({ client, bucket: configuration.destinationBucket, copyKey: placed.key, document: target.sidecar, signal });
  if (how.removeStale && stale.targetKey !== target.targetKey) await removeStaleCopies(client, configuration.destinationBucket, stale.targetKey, media.facts.object, placed.key, signal);
  return { plan: target, placed };
}

/** One `organized` line for a media file this JSON's event filed (or re-filed, in move mode). */
function logRefiled(
  options: ReconcileOptions,
  media: { readonly bucket: string; readonly key: string; readonly size?: number | undefined },
  decision: CaptureDateDecision,
  result: { readonly status: string; readonly key: string; readonly copied?: boolean; readonly from?: string; readonly detail?: string },
): void {
  const { configuration, facts, logger } = options;
  if (result.status !== 'refiled') {
    const why = result.status === 'cannot-copy' ? `its copy cannot be copied: ${result.detail ?? ''}` : 'its moved copy is not there as ours';
    logger?.warn(`media of a Takeout JSON not re-filed: ${why}`, {
      source: objectUrl(media),
      copy: objectUrl({ bucket: configuration.destinationBucket, key: result.key }),
      status: result.status,
      filedBy: objectUrl(facts.object),
    });
    return;
  }
  logger?.info('organized', {
    status: 'organized',
    source: objectUrl(media),
    target: objectUrl({ bucket: configuration.destinationBucket, key: result.key }),
    targetKey: result.key,
    copied: result.copied ?? false,
    captureDate: decision.dated ? formatWallClock(decision.captureDate) : null,
    dateSource: decision.dateSource,
    ...(media.size !== undefined ? { size: media.size } : {}),
    ...(result.from ? { refiledFrom: objectUrl({ bucket: configuration.destinationBucket, key: result.from }) } : {}),
    filedBy: objectUrl(facts.object),
  });
}

function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}
