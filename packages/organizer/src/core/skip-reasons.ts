import type { ObjectReference } from './object-reference.js';
import { OBJECT_STATE_REASONS, type ObjectStateReason } from './object-state.js';

/**
 * Why an object was not organized. Every skip is logged with its reason and a detail; none is an
 * error (a retry would decide the same).
 * @example
 * const reason: SkipReason = 'folder-marker';
 */
export type SkipReason =
  | 'own-output'
  | 'outside-source-prefix'
  | 'same-bucket-without-prefix'
  | 'folder-marker'
  | 'object-gone'
  | 'superseded'
  | 'already-organized'
  | 'unsupported-file-type'
  // The object's state (core/object-state.ts): empty, archived, SSE-C, KMS key not granted.
  | ObjectStateReason;

/**
 * What each {@link SkipReason} means, in the words a log reader needs.
 * @example
 * SKIP_REASONS['own-output']; // 'a key under the destination prefix of the destination bucket: our own output'
 */
export const SKIP_REASONS: Readonly<Record<SkipReason, string>> = Object.freeze({
  'own-output': 'a key under the destination prefix of the destination bucket: our own output',
  'outside-source-prefix': 'a key outside the source prefix',
  'same-bucket-without-prefix': 'the destination bucket without a destination prefix: every copy would trigger again',
  'folder-marker': 'a key ending in "/": a folder marker, not a file',
  'object-gone': 'the object was deleted (or overwritten) before it could be organized',
  superseded: 'superseded by a newer upload (S3 answered 412 to the event\'s ETag): that upload\'s own event organizes it',
  'already-organized': 'this object is a copy made by the organizer',
  'unsupported-file-type': 'not a photo or video',
  ...OBJECT_STATE_REASONS,
});

/**
 * The part of the settings that decides which keys are ours to organize.
 * @example
 * const scope: ScopeSettings = { destinationBucket: 'photos', destinationPrefix: 'library/', sourcePrefix: 'incoming/' };
 */
export interface ScopeSettings {
  readonly destinationBucket: string;
  /** '' or ends with '/'. */
  readonly destinationPrefix: string;
  /** '' (everything) or ends with '/'. */
  readonly sourcePrefix: string;
}

/**
 * The objects the function must not act on, decided from the bucket and key alone (before any
 * request): its own output (the loop guard), keys outside its scope, folder markers.
 *
 * @example
 * scopeSkipReason({ bucket: 'photos', key: 'library/2019/a.jpg' }, { destinationBucket: 'photos', destinationPrefix: 'library/', sourcePrefix: '' });
 * // 'own-output'
 */
export function scopeSkipReason(reference: Pick<ObjectReference, 'bucket' | 'key'>, settings: ScopeSettings): SkipReason | undefined {
  if (reference.bucket === settings.destinationBucket) {
    if (settings.destinationPrefix === '') return 'same-bucket-without-prefix';
    if (reference.key.startsWith(settings.destinationPrefix)) return 'own-output';
  }
  if (settings.sourcePrefix && !reference.key.startsWith(settings.sourcePrefix)) return 'outside-source-prefix';
  if (reference.key.endsWith('/')) return 'folder-marker';
  return undefined;
}
