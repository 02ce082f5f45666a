import { CAMERA_TAGS, decisionMetadata, ORGANIZED_BY } from './copy-metadata.js';
import { COMPANION_TAGS } from './companions.js';
import { type CaptureDateDecision, decideCaptureDate } from './date-policy/capture-date.js';
import { DATE_POLICY_TAGS } from './date-policy/tags.js';
import { joinKey, renderKey } from './key-template.js';
import { MEDIA_TYPE_TAGS, unsupportedReason } from './media-type.js';
import { type ExtractedMetadata, textTag } from './metadata.js';
import { fileNameOf, type ObjectFacts } from './object-reference.js';
import { decideBeforeRead } from './object-state.js';
import { type SidecarDocument, sidecarDocument } from './sidecar-document.js';
import type { SkipReason } from './skip-reasons.js';

/**
 * Every tag the plan reads: the date policy's, the camera's, the media type's and Apple's
 * ContentIdentifier (issue 18: Live Photo pairs). Pass it to exiftool.
 * @example
 * new ExiftoolProcess({ exiftoolLibDir: '/opt/lib/perl5', tags: TAGS_TO_READ });
 */
export const TAGS_TO_READ: readonly string[] = Object.freeze([...DATE_POLICY_TAGS, ...CAMERA_TAGS, ...MEDIA_TYPE_TAGS, ...COMPANION_TAGS]);

/**
 * The settings a plan depends on (the `Configuration` has these fields).
 * @example
 * const settings: PlanSettings = { destinationPrefix: 'photos/', sourcePrefix: 'incoming/', keyTemplate: '{yyyy}/{mm}/{name}', undated: 'undated', defaultTimeZone: 'Europe/Paris', move: false, sidecar: true };
 */
export interface PlanSettings {
  /** Prepended to every target key; '' or ends with '/'. */
  readonly destinationPrefix: string;
  /** Removed from the source key before `{dir}`; '' or ends with '/'. */
  readonly sourcePrefix: string;
  readonly keyTemplate: string;
  readonly undated: 'undated' | 'upload-date';
  /** IANA zone for UTC video dates without an offset. */
  readonly defaultTimeZone: string;
  readonly move: boolean;
  readonly sidecar: boolean;
}

/**
 * The metadata read from the file, or why it could not be read (then the object is filed without it).
 * @example
 * const read: MetadataFacts = { metadata: { tags: {}, warnings: [] }, error: 'ExiftoolTimeoutError: exiftool did not finish within 20000 ms' };
 */
export interface MetadataFacts {
  readonly metadata: ExtractedMetadata;
  /** Set when exiftool failed (`ExiftoolTimeoutError: ...`): no media-type check, no tag dates. */
  readonly error?: string | undefined;
}

/**
/**
 * Issue 18 (companion files, `src/organize/companion-group.ts`): the date a member of a group is
 * filed under instead of its own: its primary's decision, or a Takeout JSON's, or a lone
 * companion's own dates. Omitted for a file on its own.
 * @example
 * planObject(facts, { metadata }, settings, { decision: primaryDecision, companion: true, primaryKey: 'phone/IMG_0001.HEIC' });
 */
export interface GroupPlacement {
  readonly decision: CaptureDateDecision;
  /** `.xmp`, `.aae`, Takeout `.json`: not a photo or video, filed all the same. */
  readonly companion: boolean;
  /** The primary's source key, when the file follows one (recorded as `companion-of`). */
  readonly primaryKey?: string | undefined;
}

/**
 * What to do with one object.
 * @example
 * if (plan.action === 'skip') logger.info('skipped', { reason: plan.reason, detail: plan.detail });
 * else await placeCopy({ ..., targetKey: plan.targetKey, userMetadata: plan.userMetadata });
 */
export type Plan =
  | { readonly action: 'skip'; readonly reason: SkipReason; readonly detail: string }
  | {
      readonly action: 'copy';
      /** The preferred key (a different file already there gets `name-1.ext`, ... when copied). */
      readonly targetKey: string;
      readonly decision: CaptureDateDecision;
      /** The copy's user metadata (`x-amz-meta-*`), at most 2 KB. */
      readonly userMetadata: Readonly<Record<string, string>>;
      /** What to write to `<key>.json`, when sidecars are on. */
      readonly sidecar: SidecarDocument | undefined;
      /** Delete the source once the copy is verified. */
      readonly deleteSource: boolean;
    };

/**
 * The skip that needs no bytes of the file: the object is a copy the organizer made (its
 * `organized-by` metadata), e.g. one that landed in a watched bucket.
 * @example
 * skipBeforeRead({ object, contentHeaders: {}, userMetadata: { 'organized-by': 'photo-organizer' } });
 * // { action: 'skip', reason: 'already-organized', detail: 'this object is a copy made by the organizer' }
 */
export function skipBeforeRead(facts: ObjectFacts): Plan | undefined {
  if (facts.userMetadata?.['organized-by'] === ORGANIZED_BY) {
    return { action: 'skip', reason: 'already-organized', detail: 'this object is a copy made by the organizer' };
  }
  return undefined;
}

/**
 * Decides what happens to one object, from what S3 said about it, what exiftool found in it and
 * the settings: skip (with a reason) or copy to a key, with the capture-date decision and the
 * metadata to write. Pure: no request is made; the same inputs always give the same plan.
 * Scope (own output, source prefix, folder markers) is decided before, by `scopeSkipReason`.
 *
 * @example
 * planObject(
 *   { object: { bucket: 'in', key: 'IMG_1.JPG', size: 2048, eTag: '"abc"' }, contentHeaders: {} },
 *   { metadata: { tags: { 'ExifIFD:DateTimeOriginal': '2019:05:26 10:33:20', 'File:MIMEType': 'image/jpeg' }, warnings: [], fileType: 'JPEG' } },
 *   { destinationPrefix: '', sourcePrefix: '', keyTemplate: '{yyyy}-{mm}-{dd}/{name}', undated: 'undated', defaultTimeZone: 'UTC', move: false, sidecar: false },
 * );
 * // { action: 'copy', targetKey: '2019-05-26/IMG_1.JPG', decision: { dateSource: 'DateTimeOriginal', ... }, ... }
 */
export function planObject(facts: ObjectFacts, read: MetadataFacts, settings: PlanSettings, placement?: GroupPlacement): Plan {
  const early = skipBeforeRead(facts);
  if (early) return early;
  const { object } = facts;
  const { metadata } = read;
  // Issue 21: an empty placeholder, an archived or SSE-C object is never copied.
  const blocked = decideBeforeRead(facts.state, object.size);
  if (blocked) return { action: 'skip', reason: blocked.reason, detail: blocked.detail };
  // exiftool failures leave the type unknown, and the file is filed by name or as undated rather
  // than left behind.
  if (read.error === undefined && !placement?.companion) {
    const unsupported = unsupportedReason(metadata);
    if (unsupported) return { action: 'skip', reason: 'unsupported-file-type', detail: unsupported };
  }

  // Issue 21: destination names in NFC, so a name typed on a Mac (NFD) and on a phone (NFC) is one
  // key, and the same bytes one photo; the original key stays in the `source-key` metadata.
  const fileName = fileNameOf(object.key).normalize('NFC');
  // Issue 18: a group member is filed under its primary's decision (GroupPlacement).
  const decision =
    placement?.decision ??
    decideCaptureDate(metadata.tags, {
      fileName,
      ...(facts.lastModified ? { uploadedAt: facts.lastModified } : {}),
      defaultTimeZone: settings.defaultTimeZone,
      undated: settings.undated,
    });
  const targetKey = destinationKey(object.key, decision, settings);
  const make = textTag(metadata.tags, 'Make');
  const model = textTag(metadata.tags, 'Model');
  return {
    action: 'copy',
    targetKey,
    decision,
    userMetadata: withCompanionOf(decisionMetadata({ decision, source: object, make, model, sourceMetadata: facts.userMetadata }), placement?.primaryKey),
    sidecar: settings.sidecar
      ? { ...sidecarDocument({ source: object, decision, metadata, make, model }), ...(placement?.primaryKey ? { companionOf: placement.primaryKey } : {}) }
      : undefined,
    deleteSource: settings.move,
  };
}

/**
 * The key a source key is filed under for a decision (the key template below the destination
 * prefix, names in NFC): what {@link planObject} plans, for a copy filed again under another
 * decision (issue 18: `organize/refile-moved.ts`).
 *
 * @example
 * destinationKey('in/trip/a.jpg', decision, { destinationPrefix: 'photos/', sourcePrefix: 'in/', keyTemplate: '{dir}/{yyyy}/{name}', undated: 'undated', defaultTimeZone: 'UTC', move: true, sidecar: false });
 * // 'photos/trip/2021/a.jpg'
 */
export function destinationKey(sourceKey: string, decision: CaptureDateDecision, settings: PlanSettings): string {
  return joinKey(
    settings.destinationPrefix,
    renderKey(settings.keyTemplate, {
      fileName: fileNameOf(sourceKey).normalize('NFC'),
      dir: dirBelowPrefix(sourceKey, settings.sourcePrefix).normalize('NFC'),
      captureDate: decision.dated ? decision.captureDate : undefined,
    }),
  );
}

/** Issue 18: a member records its primary's source key (URL-encoded) when 2 KB allow. */
function withCompanionOf(metadata: Record<string, string>, primaryKey: string | undefined): Record<string, string> {
  if (!primaryKey) return metadata;
  const value = encodeURIComponent(primaryKey);
  const bytes = Object.entries(metadata).reduce((sum, [name, text]) => sum + Buffer.byteLength(name) + Buffer.byteLength(text), 0);
  return bytes + 'companion-of'.length + Buffer.byteLength(value) <= 2048 ? { ...metadata, 'companion-of': value } : metadata;
}

/** The folder of a key below the source prefix (`{dir}`): `in/trip/a.jpg` under `in/` -> `trip`. */
function dirBelowPrefix(key: string, prefix: string): string {
  const relative = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  const slash = relative.lastIndexOf('/');
  return slash < 0 ? '' : relative.slice(0, slash);
}
