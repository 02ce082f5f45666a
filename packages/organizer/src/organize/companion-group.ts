import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import {
  companionKindOf,
  mayFollow,
  mediaClassOf,
  parseTakeoutJson,
  primaryFor,
  primaryListPrefix,
  takeoutJsonListPrefix,
  takeoutJsonNames,
  takeoutMediaFor,
  type TakeoutMetadata,
} from '../core/companions.js';
import { type CaptureDateDecision, decideCaptureDate } from '../core/date-policy/capture-date.js';
import { type ExtractedMetadata, NO_METADATA, textTag } from '../core/metadata.js';
import { decideBeforeRead } from '../core/object-state.js';
import { fileNameOf, type ObjectFacts } from '../core/object-reference.js';
import type { GroupPlacement, PlanSettings } from '../core/plan.js';
import { isMetadataDate, withTakeoutDate } from '../core/takeout-date.js';
import { headSource } from '../s3/head-object.js';
import { listMovedPointers, type MovedPointer, movedPointerKey, readMovedPointer } from '../s3/moved-pointer.js';
import { type MetadataReader, readFailureKind } from '../s3/metadata-reader.js';

/** A Takeout JSON is a few KB; anything larger is not one (and is not read whole). */
const MAX_TAKEOUT_JSON_BYTES = 1024 * 1024;
/** Pages of 1,000 names listed to find a group's members (a prefix such as `IMG_1234.` lists a handful). */
const MAX_LIST_PAGES = 5;

/**
 * What deciding a group needs: the object, its metadata, S3, the reader and the settings.
 * @example
 * const context: GroupContext = { client, metadataReader, settings: configuration, facts, metadata, signal };
 */
export interface GroupContext {
  readonly client: S3Client;
  readonly metadataReader: MetadataReader;
  readonly settings: PlanSettings & {
    /** Seconds a companion waits for its primary before it is filed on its own. */
    readonly companionGraceSeconds: number;
    /** Where move mode's pointers are (`s3/moved-pointer.ts`). */
    readonly destinationBucket: string;
  };
  readonly facts: ObjectFacts;
  readonly metadata: ExtractedMetadata;
  readonly signal?: AbortSignal | undefined;
  /** The clock the grace period is measured with. @default Date.now */
  readonly now?: () => number;
}

/**
 * How a file is filed as part of a group:
 * - `alone`: it has nothing to do with a group (or is a JSON that is not Takeout's): the plan as always;
 * - `placed`: filed with `placement` (its primary's date, a Takeout JSON's, or a lone companion's own);
 * - `wait`: a companion (or a Live Photo video) whose primary is not there yet, within the grace
 *   period: retry later (the invocation fails and Lambda retries it). A media file never waits
 *   for its Takeout JSON: the two converge afterwards (`takeout-reconcile.ts`).
 * @example
 * const group: GroupResolution = await resolveGroup(context);
 * const placement = group.kind === 'placed' ? group.placement : undefined;
 */
export type GroupResolution =
  | { readonly kind: 'alone' }
  | {
      readonly kind: 'placed';
      readonly role: 'member' | 'lone-companion' | 'takeout-dated';
      readonly placement: GroupPlacement;
      /** A Takeout JSON's media, dated by this JSON: it may have been filed without it first (`takeout-reconcile.ts`). */
      readonly takeoutMedia?: PrimaryInSource | undefined;
      /** Move mode: a Takeout JSON's media, moved before this JSON came and filed without it: its pointer and the date it gets now. */
      readonly takeoutMoved?: MovedMedia | undefined;
      /** `takeout-dated`: the media's decision without its JSON, where an earlier attempt may have filed it. */
      readonly ownDecision?: CaptureDateDecision | undefined;
      /** What this file says when it is a Takeout JSON (kept in move mode's pointer). */
      readonly takeout?: TakeoutMetadata | undefined;
    }
  | { readonly kind: 'wait'; readonly detail: string };

/**
 * A companion's primary is not there yet and the grace period has not passed: retrying the event
 * later files it (with its primary, or on its own after `COMPANION_GRACE_SECONDS`).
 * @example
 * throw new CompanionWaitingError('s3://in/p/IMG_1234.AAE', 'AAE edit waiting for its photo or video');
 */
export class CompanionWaitingError extends Error {
  override readonly name = 'CompanionWaitingError';
  constructor(
    /** `s3://bucket/key` of the waiting file. */
    readonly source: string,
    readonly detail: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`${source}: ${detail}`, options);
  }
}

/**
 * Decides whether and how a file is filed as part of a group (issue 18). The destination of a
 * member is a pure function of its primary's bytes and name: the primary is found by name in
 * the same source folder (one ListObjectsV2 by prefix), its metadata read again and its date
 * decided as its own event decides it, so either event, in any order and any number of times,
 * computes the same key. Requests made: a LIST for companions, `.MOV`/`.MP4` and RAW files, and
 * for media without a metadata date (Takeout JSON); a HEAD and the metadata read of the primary
 * when there is one; a GET of a Takeout JSON.
 *
 * @throws what the S3 client throws (Lambda retries), except 404s, which mean "not there".
 * @example
 * const group = await resolveGroup({ client, metadataReader, settings: configuration, facts, metadata });
 * if (group.kind === 'wait') throw new CompanionWaitingError(source, group.detail);
 */
export async function resolveGroup(context: GroupContext): Promise<GroupResolution> {
  const { facts, settings } = context;
  const key = facts.object.key;
  const name = fileNameOf(key);
  const folder = key.slice(0, key.length - name.length);
  const now = context.now ?? Date.now;
  const young = (lastModified: Date | undefined) =>
    lastModified !== undefined && now() - lastModified.getTime() < settings.companionGraceSeconds * 1000;
  const kind = companionKindOf(name);

  if (kind === 'takeout-json') {
    const takeout = await readTakeoutJson(context, facts.object.key, facts.object.size, facts.object.eTag);
    if (!takeout) return { kind: 'alone' };
    const primary = await findPrimary(context, folder, name, takeoutMediaFor, takeout);
    if (primary) {
      const takeoutMedia = 'facts' in primary && primary.decision.dateSource === 'TakeoutJson' ? (primary as PrimaryInSource) : undefined;
      const takeoutMoved = primary.moved && primary.decision.dateSource === 'TakeoutJson' && primary.moved.pointer.decision.dateSource !== 'TakeoutJson' ? primary.moved : undefined;
      return { kind: 'placed', role: 'member', placement: { decision: primary.decision, companion: true, primaryKey: primary.key }, takeoutMedia, takeoutMoved, takeout };
    }
    if (young(facts.lastModified)) return { kind: 'wait', detail: 'Takeout JSON waiting for its photo or video' };
    const decision = withTakeoutDate({ dated: false, dateSource: 'Undated', rejected: [] }, takeout, {
      defaultTimeZone: settings.defaultTimeZone,
      uploadedAt: facts.lastModified,
    });
    return { kind: 'placed', role: 'lone-companion', placement: { decision, companion: true }, takeout };
  }

  if (kind === 'xmp' || kind === 'aae') {
    const primary = await findPrimary(context, folder, name, primaryFor);
    if (primary?.waiting) return { kind: 'wait', detail: `${kind} waiting: its primary is a Live Photo video whose photo may follow` };
    if (primary) return { kind: 'placed', role: 'member', placement: { decision: primary.decision, companion: true, primaryKey: primary.key } };
    if (young(facts.lastModified)) return { kind: 'wait', detail: `${kind === 'xmp' ? 'XMP sidecar' : 'AAE edit'} waiting for its photo or video` };
    // Its primary never came: filed by its own dates (an XMP carries them), else undated.
    return { kind: 'placed', role: 'lone-companion', placement: { decision: ownDecision(context, name), companion: true } };
  }

  const mediaClass = mediaClassOf(name);
  if (mediaClass === undefined) return { kind: 'alone' };
  if (mayFollow(name)) {
    const ownIdentifier = textTag(context.metadata.tags, 'ContentIdentifier');
    const ownCamera = cameraOf(context.metadata);
    const primary = await findPrimary(context, folder, name, primaryFor);
    // A Live Photo is confirmed by Apple's ContentIdentifier, a RAW+JPEG pair by the camera (Make
    // and Model), when both files carry one: same-named files of two cameras are not a group.
    const mismatch =
      (ownIdentifier !== undefined && primary?.contentIdentifier !== undefined && ownIdentifier !== primary.contentIdentifier) ||
      (mediaClass === 'raw' && ownCamera !== undefined && primary?.camera !== undefined && ownCamera !== primary.camera);
    if (primary && !mismatch) return { kind: 'placed', role: 'member', placement: { decision: primary.decision, companion: false, primaryKey: primary.key } };
    if (!primary && mediaClass === 'video' && ownIdentifier !== undefined && young(facts.lastModified)) {
      return { kind: 'wait', detail: 'Live Photo video (ContentIdentifier) waiting for its photo' };
    }
  }
  // A media file without a metadata date: its Takeout JSON's photoTakenTime, when there is one.
  const own = ownDecision(context, name);
  if (isMetadataDate(own)) return { kind: 'alone' };
  const takeout = await findTakeoutJson(context, folder, name);
  const decision = withTakeoutDate(own, takeout, { defaultTimeZone: settings.defaultTimeZone, uploadedAt: facts.lastModified });
  if (decision.dateSource === 'TakeoutJson') return { kind: 'placed', role: 'takeout-dated', placement: { decision, companion: false }, ownDecision: own };
  // No JSON yet: filed (and in move mode moved) at once; if the JSON comes later, whichever of the
  // two events runs second files the copy again under the JSON's date (takeout-reconcile.ts).
  return { kind: 'alone' };
}

/**
 * Finds the primary among the source folder's names (and, in move mode, the moved ones) and decides
 * its date. A moved primary whose pointer holds no metadata date is dated by its Takeout JSON
 * (`takeout`, this event's own, else one found by name): it may have been moved before the JSON came.
 */
async function findPrimary(
  context: GroupContext,
  folder: string,
  name: string,
  choose: (name: string, siblings: readonly string[]) => string | undefined,
  takeout?: TakeoutMetadata,
): Promise<PrimaryDecision | PrimaryInSource | undefined> {
  const prefix = primaryListPrefix(name);
  if (prefix === undefined) return undefined;
  const siblings = await listNames(context, folder, prefix);
  const { settings, facts } = context;
  const moved = settings.move
    ? await listMovedPointers(context.client, settings.destinationBucket, settings.destinationPrefix, facts.object.bucket, folder, prefix, context.signal)
    : new Map<string, string>();
  const primaryName = choose(name, [...new Set([...siblings, ...moved.keys()])]);
  if (!primaryName) return undefined;
  if (siblings.includes(primaryName)) {
    const fromSource = await primaryDecision(context, folder, primaryName, siblings);
    if (fromSource) return fromSource;
  }
  // Moved before this companion came (or while it was being read): its pointer says where it went.
  const pointerKey = moved.get(primaryName) ?? (settings.move ? movedPointerKey(settings.destinationPrefix, facts.object.bucket, `${folder}${primaryName}`) : undefined);
  const pointer = pointerKey ? await readMovedPointer(context.client, settings.destinationBucket, pointerKey, context.signal) : undefined;
  if (!pointer) return undefined;
  let decision = pointer.decision;
  if (!isMetadataDate(decision)) {
    const primaryTakeout = takeout ?? (await findTakeoutJson(context, folder, primaryName));
    const uploadedAt = pointer.uploadedAt ? new Date(pointer.uploadedAt) : undefined;
    decision = withTakeoutDate(decision, primaryTakeout, { defaultTimeZone: settings.defaultTimeZone, uploadedAt });
  }
  return {
    key: pointer.sourceKey,
    decision,
    contentIdentifier: pointer.contentIdentifier,
    camera: pointer.camera,
    waiting: false,
    moved: { pointer, decision },
  };
}

function ownDecision(context: GroupContext, fileName: string): CaptureDateDecision {
  return decideCaptureDate(context.metadata.tags, {
    fileName,
    ...(context.facts.lastModified ? { uploadedAt: context.facts.lastModified } : {}),
    defaultTimeZone: context.settings.defaultTimeZone,
    undated: context.settings.undated,
  });
}

interface PrimaryDecision {
  /** The primary's source key. */
  readonly key: string;
  readonly decision: CaptureDateDecision;
  readonly contentIdentifier: string | undefined;
  /** `Make Model`, when the primary names both ({@link cameraOf}). */
  readonly camera?: string | undefined;
  /** A Live Photo video within the grace period: its photo may still come and lead the group. */
  readonly waiting: boolean;
  /** Move mode: the primary was found by its pointer (it was moved). */
  readonly moved?: MovedMedia | undefined;
}

/**
 * A moved media file found by its pointer, and the date it has now (its Takeout JSON's, when the
 * pointer holds no metadata date and a JSON is there).
 * @example
 * if (group.kind === 'placed' && group.takeoutMoved) console.log(group.takeoutMoved.pointer.targetKey, group.takeoutMoved.decision.dateSource);
 */
export interface MovedMedia {
  readonly pointer: MovedPointer;
  readonly decision: CaptureDateDecision;
}

/**
 * A primary read from the source: what its own event would have.
 * @example
 * if (group.kind === 'placed' && group.takeoutMedia) console.log(group.takeoutMedia.ownDecision.dateSource); // 'Undated'
 */
export interface PrimaryInSource extends PrimaryDecision {
  readonly facts: ObjectFacts;
  readonly metadata: ExtractedMetadata;
  /** Its decision without a Takeout JSON: where its own event files it when the JSON is not there yet. */
  readonly ownDecision: CaptureDateDecision;
}

/**
 * The primary's date, decided exactly as the primary's own event decides it (its metadata, its
 * name, its upload time, its Takeout JSON): undefined when it is gone.
 */
async function primaryDecision(context: GroupContext, folder: string, primaryName: string, siblings: readonly string[]): Promise<PrimaryInSource | undefined> {
  const key = `${folder}${primaryName}`;
  const facts = await headSource(context.client, { bucket: context.facts.object.bucket, key }, context.signal);
  // Gone, or one its own event never files (empty, archived, SSE-C: issue 21): no primary to follow.
  if (!facts || decideBeforeRead(facts.state, facts.object.size)) return undefined;
  let metadata: ExtractedMetadata = NO_METADATA;
  if (facts.object.size > 0) {
    try {
      metadata = (await context.metadataReader.read({ client: context.client, ...facts.object }, context.signal)).result;
    } catch (error) {
      const kind = readFailureKind(error);
      if (kind === 'object-gone') return undefined;
      // The primary's own event files it without metadata in this case: so do we.
      if (kind !== 'exiftool-fault' || context.signal?.aborted) throw error;
    }
  }
  const own = decideCaptureDate(metadata.tags, {
    fileName: primaryName,
    ...(facts.lastModified ? { uploadedAt: facts.lastModified } : {}),
    defaultTimeZone: context.settings.defaultTimeZone,
    undated: context.settings.undated,
  });
  let takeout: TakeoutMetadata | undefined;
  if (!isMetadataDate(own)) {
    const takeoutName = takeoutJsonNames(primaryName).find((name) => siblings.includes(name));
    takeout = takeoutName ? await readTakeoutJson(context, `${folder}${takeoutName}`) : await findTakeoutJson(context, folder, primaryName);
  }
  const decision = withTakeoutDate(own, takeout, { defaultTimeZone: context.settings.defaultTimeZone, uploadedAt: facts.lastModified });
  const contentIdentifier = textTag(metadata.tags, 'ContentIdentifier');
  const waiting =
    mediaClassOf(primaryName) === 'video' &&
    contentIdentifier !== undefined &&
    facts.lastModified !== undefined &&
    (context.now ?? Date.now)() - facts.lastModified.getTime() < context.settings.companionGraceSeconds * 1000;
  return { key, decision, contentIdentifier, camera: cameraOf(metadata), waiting, facts, metadata, ownDecision: own };
}

/**
 * The camera that made a file, `Make Model` (case and spaces folded), when it names both: a RAW
 * and its JPEG from one shot carry the same.
 *
 * @example
 * cameraOf({ tags: { 'IFD0:Make': 'NIKON CORPORATION', 'IFD0:Model': 'NIKON D750' }, warnings: [] }); // 'nikon corporation nikon d750'
 */
export function cameraOf(metadata: ExtractedMetadata): string | undefined {
  const make = textTag(metadata.tags, 'Make');
  const model = textTag(metadata.tags, 'Model');
  return make && model ? `${make} ${model}`.toLowerCase().replace(/\s+/g, ' ') : undefined;
}

/**
 * The Takeout JSON of a media file in its folder, read and parsed; in move mode also one already
 * moved (its pointer keeps what it said); undefined when there is none.
 *
 * @throws what the S3 client throws, except 404s.
 * @example
 * await findTakeoutJson(context, 'Takeout/Google Photos/Photos from 2021/', 'received_10157.jpeg'); // { photoTakenTimeSeconds: 1625093400, ... }
 */
export async function findTakeoutJson(
  context: Pick<GroupContext, 'client' | 'facts' | 'signal' | 'settings'>,
  folder: string,
  mediaName: string,
): Promise<TakeoutMetadata | undefined> {
  const prefix = takeoutJsonListPrefix(mediaName);
  const names = await listNames(context, folder, prefix);
  for (const candidate of takeoutJsonNames(mediaName)) {
    if (!names.includes(candidate)) continue;
    const takeout = await readTakeoutJson(context, `${folder}${candidate}`);
    if (takeout) return takeout;
  }
  const { settings } = context;
  if (!settings.move) return undefined;
  const moved = await listMovedPointers(context.client, settings.destinationBucket, settings.destinationPrefix, context.facts.object.bucket, folder, prefix, context.signal);
  for (const candidate of takeoutJsonNames(mediaName)) {
    const pointerKey = moved.get(candidate);
    const pointer = pointerKey ? await readMovedPointer(context.client, settings.destinationBucket, pointerKey, context.signal) : undefined;
    if (pointer?.takeout) return pointer.takeout;
  }
  return undefined;
}

/** GETs a small JSON object and parses it as Takeout's; undefined when gone, too large or not Takeout's. */
async function readTakeoutJson(context: Pick<GroupContext, 'client' | 'facts' | 'signal'>, key: string, size?: number, eTag?: string): Promise<TakeoutMetadata | undefined> {
  if (size !== undefined && size > MAX_TAKEOUT_JSON_BYTES) return undefined;
  try {
    const object = await context.client.send(
      new GetObjectCommand({ Bucket: context.facts.object.bucket, Key: key, IfMatch: eTag || undefined, Range: `bytes=0-${MAX_TAKEOUT_JSON_BYTES - 1}` }),
      { abortSignal: context.signal },
    );
    if ((object.ContentLength ?? 0) >= MAX_TAKEOUT_JSON_BYTES) return undefined;
    return parseTakeoutJson((await object.Body?.transformToString('utf8')) ?? '');
  } catch (error) {
    const kind = s3ErrorKind(error);
    if (kind === 'not-found' || kind === 'precondition-failed') return undefined;
    throw error;
  }
}

/** The file names (not keys) directly in `folder` that start with `prefix`. */
async function listNames(context: Pick<GroupContext, 'client' | 'facts' | 'signal'>, folder: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await context.client.send(
      new ListObjectsV2Command({ Bucket: context.facts.object.bucket, Prefix: `${folder}${prefix}`, Delimiter: '/', ContinuationToken: token }),
      { abortSignal: context.signal },
    );
    for (const object of page.Contents ?? []) if (object.Key) names.push(object.Key.slice(folder.length));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && ++pages < MAX_LIST_PAGES);
  return names;
}
