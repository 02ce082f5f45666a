import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ORGANIZED_BY } from '../core/copy-metadata.js';
import { joinKey, numberedKey } from '../core/key-template.js';
import type { ExtractedMetadata } from '../core/metadata.js';
import type { ObjectFacts, PinnedObject } from '../core/object-reference.js';
import { type Plan, planObject } from '../core/plan.js';
import { isSameContent } from '../core/same-content.js';
import { isMetadataDate, withTakeoutDate } from '../core/takeout-date.js';
import { headExisting } from '../s3/head-object.js';
import { placeCopy, type PlacedCopy } from '../s3/place-copy.js';
import { writeSidecar } from '../s3/sidecar.js';
import type { Configuration } from '../settings/configuration.js';
import { formatWallClock } from '../core/date-policy/date-value.js';
import { objectUrl } from '../core/object-reference.js';
import type { Logger } from '../lambda/logger.js';
import { findTakeoutJson, type GroupResolution, type PrimaryInSource } from './companion-group.js';

type CopyPlan = Extract<Plan, { action: 'copy' }>;
/** Numbered variants (`name-1.ext`, ...) looked at for a copy filed without its Takeout JSON. */
const MAX_NUMBERED_LOOKS = 20;

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
  /** Told when this event files another object (a JSON's media): one `organized` line for it. */
  readonly logger?: Logger | undefined;
}

/**
 * Copy mode: a photo without a date of its own and its Google Takeout JSON converge on the JSON's
 * date whichever is processed first, without a database. Each side checks after writing:
 * - the media's event, having filed the media without a JSON, looks for the JSON again; if it is
 *   there now, the media is copied to its Takeout-dated key and the first copy is removed;
 * - the JSON's event, having filed the JSON beside its media's Takeout-dated key, copies the
 *   media there too and removes the media's copy filed without the JSON, if there is one.
 * Since each writes before it looks (S3 is strongly consistent), at least one of the two sees
 * the other. Only a copy this organizer made of exactly this source version (`organized-by`,
 * `source-key`, `source-etag`) is removed, and only once the right copy is verified; the source
 * is never touched. Move mode does not come here: there the media waits for its JSON
 * (`companion-group.ts`) before its source is deleted.
 *
 * @returns the plan and placement of this event's own object (changed when the media moved).
 * @throws the SDK's error when S3 fails (the event is retried; every step is idempotent).
 * @example
 * ({ plan, placed } = await reconcileTakeout({ client, configuration, group, facts, metadata, plan, placed }));
 */
export async function reconcileTakeout(options: ReconcileOptions): Promise<{ plan: CopyPlan; placed: PlacedCopy }> {
  const { client, configuration, group, facts, plan, placed, signal } = options;
  const unchanged = { plan, placed };
  if (configuration.move) return unchanged;

  if (group.kind === 'placed' && group.takeoutMedia) {
    const media = group.takeoutMedia;
    const refiled = await refile(options, media);
    options.logger?.info('organized', {
      status: 'organized',
      source: objectUrl(media.facts.object),
      target: objectUrl({ bucket: configuration.destinationBucket, key: refiled.placed.key }),
      targetKey: refiled.placed.key,
      copied: refiled.placed.copied,
      captureDate: media.decision.dated ? formatWallClock(media.decision.captureDate) : null,
      dateSource: media.decision.dateSource,
      size: media.facts.object.size,
      filedBy: objectUrl(facts.object),
    });
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
  return refile(options, media);
}

/** Copies the media to its Takeout-dated key and removes its copies filed without the JSON. */
async function refile(options: ReconcileOptions, media: PrimaryInSource): Promise<{ plan: CopyPlan; placed: PlacedCopy }> {
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
  });
  if (target.sidecar) await writeSidecar({ client, bucket: configuration.destinationBucket, copyKey: placed.key, document: target.sidecar, signal });
  if (stale.targetKey !== target.targetKey) await removeStaleCopies(client, configuration.destinationBucket, stale.targetKey, media.facts.object, placed.key, signal);
  return { plan: target, placed };
}

/** Deletes this organizer's copies of `source` at `staleKey` and its numbered variants, once `keepKey` is verified to hold it. */
async function removeStaleCopies(client: S3Client, bucket: string, staleKey: string, source: PinnedObject, keepKey: string, signal?: AbortSignal): Promise<void> {
  const kept = await headExisting(client, bucket, keepKey, signal);
  if (!kept || !isSameContent(kept, source)) return;
  const sourceETag = source.eTag.replace(/"/g, '');
  for (let index = 0; index < MAX_NUMBERED_LOOKS; index++) {
    const key = index === 0 ? staleKey : joinKey('', numberedKey(staleKey, index));
    if (key === keepKey) continue;
    const existing = await headExisting(client, bucket, key, signal);
    if (!existing) return;
    const metadata = existing.userMetadata ?? {};
    const ours =
      metadata['organized-by'] === ORGANIZED_BY &&
      metadata['source-bucket'] === source.bucket &&
      safeDecode(metadata['source-key']) === source.key &&
      metadata['source-etag'] === sourceETag &&
      isSameContent(existing, source);
    if (!ours) continue;
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    // Its sidecar (SIDECAR=true) goes with it: marked organized-by, and no copy (no source-key).
    const sidecar = await headExisting(client, bucket, `${key}.json`, signal);
    if (sidecar?.userMetadata?.['organized-by'] === ORGANIZED_BY && sidecar.userMetadata['source-key'] === undefined) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${key}.json` }), { abortSignal: signal });
    }
  }
}

function safeDecode(value: string | undefined): string | undefined {
  try {
    return value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}
