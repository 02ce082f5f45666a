import type { CaptureDateDecision } from './date-policy/capture-date.js';
import { formatWallClock } from './date-policy/date-value.js';
import type { PinnedObject } from './object-reference.js';

/** Marks our copies: a copy that lands in a watched bucket by mistake is recognised, never reprocessed. */
export const ORGANIZED_BY = 'photo-organizer';
/** The camera tags recorded on every copy (and in the sidecar). */
export const CAMERA_TAGS: readonly string[] = Object.freeze(['Make', 'Model']);
/** S3 allows 2 KB of user metadata (names and values, UTF-8). */
const MAX_METADATA_BYTES = 2048;

export interface DecisionMetadataInput {
  readonly decision: CaptureDateDecision;
  readonly source: Pick<PinnedObject, 'bucket' | 'key' | 'versionId' | 'eTag'>;
  readonly make: string | undefined;
  readonly model: string | undefined;
  /** The source object's own user metadata, carried along where it fits. */
  readonly sourceMetadata: Readonly<Record<string, string>> | undefined;
}

/**
 * The user metadata of an organized copy: the decision (capture date, dateSource), where it came
 * from (bucket, key, version, ETag) and the camera. Values are URL-encoded so any key or camera
 * name survives HTTP headers; if everything does not fit in 2 KB, the source's own metadata is
 * dropped first, then the source key is replaced by its length (bucket + ETag still identify it).
 */
export function decisionMetadata(input: DecisionMetadataInput): Record<string, string> {
  const { decision, source } = input;
  const ours: Record<string, string> = {
    'organized-by': ORGANIZED_BY,
    'date-source': decision.dateSource,
    ...(decision.dated ? { 'capture-date': formatWallClock(decision.captureDate), 'date-tag': encodeValue(decision.tag) } : {}),
    'source-bucket': source.bucket,
    'source-key': encodeValue(source.key),
    'source-etag': source.eTag.replace(/"/g, ''),
    ...(source.versionId ? { 'source-version-id': source.versionId } : {}),
    ...(input.make ? { 'camera-make': encodeValue(input.make) } : {}),
    ...(input.model ? { 'camera-model': encodeValue(input.model) } : {}),
  };
  const carried = Object.fromEntries(
    Object.entries(input.sourceMetadata ?? {}).filter(([name]) => !(name in ours) && name !== 'organized-by'),
  );
  const combined = { ...carried, ...ours };
  if (metadataBytes(combined) <= MAX_METADATA_BYTES) return combined;
  if (metadataBytes(ours) <= MAX_METADATA_BYTES) return ours;
  return { ...ours, 'source-key': `(omitted: ${Buffer.byteLength(source.key)} bytes)` };
}

/**
 * The user metadata of a copy filed again under another decision (issue 18: a Takeout JSON came
 * after the photo was filed and moved): everything the copy recorded (its source, camera, carried
 * metadata) with the decision's fields (`date-source`, `capture-date`, `date-tag`) replaced.
 *
 * @example
 * redatedMetadata({ 'organized-by': 'photo-organizer', 'date-source': 'Undated', 'source-key': 'a.jpg' }, takeoutDecision);
 * // { 'organized-by': 'photo-organizer', 'source-key': 'a.jpg', 'date-source': 'TakeoutJson', 'capture-date': '2021-06-30T22:50:00+00:00', 'date-tag': 'photoTakenTime' }
 */
export function redatedMetadata(existing: Readonly<Record<string, string>>, decision: CaptureDateDecision): Record<string, string> {
  const { 'date-source': _source, 'capture-date': _date, 'date-tag': _tag, ...kept } = existing;
  const redated = {
    ...kept,
    'date-source': decision.dateSource,
    ...(decision.dated ? { 'capture-date': formatWallClock(decision.captureDate), 'date-tag': encodeValue(decision.tag) } : {}),
  };
  // A date adds ~75 bytes: past 2 KB S3 refuses the copy (MetadataTooLarge) on every retry, so
  // what decisionMetadata would drop goes first: the source's carried metadata.
  if (metadataBytes(redated) <= MAX_METADATA_BYTES) return redated;
  const ours = Object.fromEntries(Object.entries(redated).filter(([name]) => OUR_NAMES.has(name)));
  if (metadataBytes(ours) <= MAX_METADATA_BYTES) return ours;
  const sourceKey = ours['source-key'] ?? '';
  return { ...ours, 'source-key': sourceKey.startsWith('(omitted') ? sourceKey : `(omitted: ${Buffer.byteLength(safeDecode(sourceKey))} bytes)` };
}

/** The entries decisionMetadata writes itself (the rest is the source's, carried where it fits). */
const OUR_NAMES = new Set(['organized-by', 'date-source', 'capture-date', 'date-tag', 'source-bucket', 'source-key', 'source-etag', 'source-version-id', 'camera-make', 'camera-model']);

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function encodeValue(value: string): string {
  return encodeURIComponent(value);
}

function metadataBytes(metadata: Record<string, string>): number {
  return Object.entries(metadata).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
}
