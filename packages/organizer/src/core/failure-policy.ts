import type { SkipReason } from './skip-reasons.js';

/**
 * What went wrong while reading an object's metadata, as the adapters classify it:
 * - `object-gone`: S3 says the object (or the pinned version) no longer exists;
 * - `superseded`: S3 answered 412 to the pinned ETag: a newer upload replaced the object;
 * - `source-fault`: S3 failed in another way after the reader's own retries (5xx, throttling,
 *   403, the object changed while being read);
 * - `exiftool-fault`: exiftool timed out, crashed or printed garbage: it will do so again;
 * - `unexpected`: anything else (a bug, an abort): never hidden.
 * @example
 * readFailureKind(new ObjectNotFoundError(facts)); // 'object-gone'
 */
export type ReadFailureKind = 'object-gone' | 'superseded' | 'source-fault' | 'exiftool-fault' | 'unexpected';

/**
 * What to do about a failure:
 * - `skip`: permanent, nothing to organize (logged);
 * - `retry`: throw, so Lambda retries the event and, after its retries, keeps it in the failure queue;
 * - `file-without-metadata`: file the object by its name or as undated, and log why (a photo is
 *   never left behind because exiftool cannot read it).
 * @example
 * const action: FailureAction = { action: 'skip', reason: 'object-gone', detail: 'deleted while being read' };
 */
export type FailureAction =
  | { readonly action: 'skip'; readonly reason: SkipReason; readonly detail: string }
  | { readonly action: 'retry' }
  | { readonly action: 'file-without-metadata' };

/**
 * The failure policy for metadata reads. An aborted invocation (deadline) is always retried: what
 * failed may be the abort itself.
 *
 * @example
 * readFailureAction('exiftool-fault', { aborted: false }); // { action: 'file-without-metadata' }
 * readFailureAction('source-fault', { aborted: false });   // { action: 'retry' }
 */
export function readFailureAction(kind: ReadFailureKind, context: { readonly aborted: boolean }): FailureAction {
  if (kind === 'object-gone') return { action: 'skip', reason: 'object-gone', detail: 'deleted while being read' };
  if (kind === 'superseded') return { action: 'skip', reason: 'superseded', detail: 'a newer upload replaced it while it was read; its own event organizes it' };
  if (context.aborted || kind !== 'exiftool-fault') return { action: 'retry' };
  return { action: 'file-without-metadata' };
}

/**
 * Whether a skip is final for S3 Batch Operations (`PermanentFailure`: a retry cannot change it and
 * the job report should show it) or a success (the object is simply not ours to do, or done).
 * @example
 * isPermanentFailure('object-gone'); // true: Batch Operations reports PermanentFailure
 * isPermanentFailure('own-output');  // false: Succeeded (not ours to do)
 */
export function isPermanentFailure(reason: SkipReason): boolean {
  return PERMANENT_FAILURES.has(reason);
}

// The object states of core/object-state.ts (archived, SSE-C, KMS) are final too (an empty
// placeholder is simply not ours to do, like own output): the job
// report lists them with their reason.
const PERMANENT_FAILURES: ReadonlySet<SkipReason> = new Set<SkipReason>([
  'object-gone',
  'unsupported-file-type',
  'archived',
  'encrypted-customer-key',
  'kms-key-not-granted',
]);
