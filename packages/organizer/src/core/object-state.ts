// Every state an S3 object can be in that decides whether it can be read, copied or deleted, turned
// once into a permanent outcome with a reason a user understands. Pure: the inputs are what S3
// already told us (the first response's headers, or the error code of a failed request); nothing
// here makes a request.
//
// What AWS documents, and what each decision rests on:
// - Archived objects (GLACIER, DEEP_ARCHIVE, Intelligent-Tiering Archive/Deep Archive Access): GET
//   answers 403 `InvalidObjectState` (with `StorageClass` / `AccessTier`) until restored; a copy
//   answers 403 `ObjectNotInActiveTierError`. HEAD works and reports `x-amz-storage-class`,
//   `x-amz-archive-status` and `x-amz-restore`.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
// - SSE-C: every read needs the customer's key; without it GET answers 400 `InvalidRequest` and
//   HEAD answers 400 with no body (a HEAD error never has one). HEAD's response names
//   `x-amz-server-side-encryption-customer-algorithm` when the key is given.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
// - SSE-KMS with a customer managed key: reading needs `kms:Decrypt` on the key, writing a copy
//   under it `kms:GenerateDataKey`; without them S3 answers 403 `AccessDenied` whose message names
//   the KMS action, or a `KMS.*` code (`KMS.DisabledException`, `KMS.NotFoundException`, ...).
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
//   https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
// - Object Lock: a version under legal hold or an unexpired retention cannot be deleted (403
//   `AccessDenied`); HEAD reports `x-amz-object-lock-legal-hold`, `-mode`, `-retain-until-date`
//   when the caller may read them.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html

/** The S3 storage classes a copy may be written in (`x-amz-storage-class` on CopyObject / CreateMultipartUpload). */
export const COPYABLE_STORAGE_CLASSES = Object.freeze([
  'STANDARD',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
  'REDUCED_REDUNDANCY',
] as const);
export type CopyableStorageClass = (typeof COPYABLE_STORAGE_CLASSES)[number];

/** RestoreObject's retrieval tiers. https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html */
export const RESTORE_TIERS = Object.freeze(['Expedited', 'Standard', 'Bulk'] as const);
export type RestoreTier = (typeof RESTORE_TIERS)[number];

/**
 * What S3's first answer about an object said about its state; every field as S3 sent it (absent
 * when the header was absent). Filled from a HEAD or from the first ranged GET's headers.
 */
export interface ObjectStateFacts {
  /** `x-amz-storage-class`; absent means STANDARD. */
  readonly storageClass?: string | undefined;
  /** `x-amz-archive-status` (Intelligent-Tiering): `ARCHIVE_ACCESS` or `DEEP_ARCHIVE_ACCESS`. */
  readonly archiveStatus?: string | undefined;
  /** `x-amz-restore`: `ongoing-request="true"` while a restore runs, `="false", expiry-date=...` once readable. */
  readonly restore?: string | undefined;
  /** `x-amz-server-side-encryption`: `AES256`, `aws:kms`, `aws:kms:dsse`. */
  readonly serverSideEncryption?: string | undefined;
  /** `x-amz-server-side-encryption-aws-kms-key-id`. */
  readonly kmsKeyId?: string | undefined;
  /** `x-amz-server-side-encryption-customer-algorithm`: present only for SSE-C objects. */
  readonly sseCustomerAlgorithm?: string | undefined;
  /** `x-amz-object-lock-legal-hold`: `ON` or `OFF`. */
  readonly legalHold?: string | undefined;
  /** `x-amz-object-lock-mode`: `GOVERNANCE` or `COMPLIANCE`. */
  readonly lockMode?: string | undefined;
  readonly retainUntil?: Date | undefined;
  /** `x-amz-tagging-count`. */
  readonly tagCount?: number | undefined;
}

/** The facts of a failed S3 request that decide whether a retry can help. */
export interface S3FailureFacts {
  /** The S3 error code (`InvalidObjectState`, `AccessDenied`, `KMS.NotFoundException`, ...); absent for a HEAD (no body). */
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  readonly statusCode?: number | undefined;
  /** `StorageClass` / `AccessTier` of an `InvalidObjectState` error. */
  readonly storageClass?: string | undefined;
  readonly accessTier?: string | undefined;
}

/** The request that failed: reading the source (HEAD, GET), copying it, or deleting it (move mode). */
export type FailedOperation = 'head' | 'read' | 'copy' | 'delete';

/** Why an object cannot be organized, permanently (a retry decides the same). */
export type ObjectStateReason = 'empty-object' | 'archived' | 'encrypted-customer-key' | 'kms-key-not-granted';

/** A permanent outcome: skip the object with this reason and these words. */
export interface ObjectStateVerdict {
  readonly reason: ObjectStateReason;
  /** The plain-words reason for the log line and the Batch Operations result. */
  readonly detail: string;
  /** Set for archived objects: what a restore request needs. */
  readonly archive?: { readonly storageClass: string; readonly accessTier: string | undefined; readonly restoreInProgress: boolean };
}

const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);
const ARCHIVE_TIERS = new Set(['ARCHIVE_ACCESS', 'DEEP_ARCHIVE_ACCESS']);

/**
 * The permanent outcome decided before any byte is read, from the first response's facts: an
 * empty object (a placeholder some clients write before the real bytes), an archived object not
 * restored, an SSE-C object. Undefined when the object can be read.
 *
 * @example
 * decideBeforeRead({ storageClass: 'DEEP_ARCHIVE' }, 2048);
 * // { reason: 'archived', detail: 'archived (DEEP_ARCHIVE): restore it first, then re-run backfill', archive: { ... } }
 */
export function decideBeforeRead(state: ObjectStateFacts | undefined, size: number): ObjectStateVerdict | undefined {
  if (size === 0) return EMPTY;
  if (state?.sseCustomerAlgorithm) return CUSTOMER_KEY;
  const archived = archivedState(state);
  if (archived) return archivedVerdict(archived.storageClass, archived.accessTier, archived.restoreInProgress);
  return undefined;
}

/**
 * The permanent outcome a failed request implies, or undefined when it may be transient (then the
 * usual policy applies: retry). The S3 error code decides, never the status alone: a 403 can be an
 * archived object, a KMS key not granted or a plain missing permission (which a deploy may fix
 * while Lambda retries, so it stays retryable).
 *
 * @example
 * decideAfterFailure({ code: 'InvalidObjectState', statusCode: 403, storageClass: 'GLACIER' }, 'read');
 * // { reason: 'archived', detail: 'archived (GLACIER): restore it first, then re-run backfill', ... }
 * decideAfterFailure({ statusCode: 400 }, 'head'); // { reason: 'encrypted-customer-key', ... }
 */
export function decideAfterFailure(failure: S3FailureFacts, operation: FailedOperation): ObjectStateVerdict | undefined {
  const code = failure.code ?? '';
  if (code === 'InvalidObjectState' || code === 'ObjectNotInActiveTierError') {
    return archivedVerdict(failure.storageClass ?? 'an archive tier', failure.accessTier, false);
  }
  if (isKmsDenial(failure)) return kmsVerdict(operation);
  // A HEAD error has no body: a 400 on an object that exists is the documented SSE-C answer.
  if (operation === 'head' && failure.statusCode === 400 && (code === '' || code === 'BadRequest' || code === 'UnknownError')) return CUSTOMER_KEY;
  if (failure.statusCode === 400 && code === 'InvalidRequest' && /server side encryption|customer/i.test(failure.message ?? '')) return CUSTOMER_KEY;
  return undefined;
}

/**
 * Why the source must stay where it is in move mode although its copy is made: under legal hold, or
 * retained by Object Lock until a future date. Undefined when it may be deleted.
 *
 * @example
 * sourceKeptReason({ legalHold: 'ON' }, new Date()); // 'under legal hold'
 */
export function sourceKeptReason(state: ObjectStateFacts | undefined, now: Date): string | undefined {
  if (state?.legalHold === 'ON') return 'under legal hold';
  if (state?.retainUntil && state.retainUntil.getTime() > now.getTime()) {
    return `under Object Lock retention (${state.lockMode ?? 'retention'}) until ${state.retainUntil.toISOString()}`;
  }
  return undefined;
}

/**
 * Whether a failed delete is Object Lock refusing it (S3 answers 403 `AccessDenied` for a locked
 * version); the reason for the log then, else undefined.
 *
 * @example
 * deleteRefusedReason({ code: 'AccessDenied', message: 'Access Denied because object protected by object lock.' }); // 'under legal hold or Object Lock retention'
 */
export function deleteRefusedReason(failure: S3FailureFacts): string | undefined {
  if (failure.code === 'AccessDenied' && /object lock|legal hold|retention/i.test(failure.message ?? '')) return 'under legal hold or Object Lock retention';
  return undefined;
}

/**
 * The storage class a copy is written in: the configured one, else the source's (so a photo
 * uploaded as STANDARD_IA is not stored a second time at the STANDARD price). Undefined means the
 * request names none (S3 uses STANDARD). Classes a copy cannot be written in (OUTPOSTS, EXPRESS_ONEZONE, ...)
 * are not followed.
 *
 * @example
 * copyStorageClass('STANDARD_IA', 'source');          // 'STANDARD_IA'
 * copyStorageClass('STANDARD_IA', 'INTELLIGENT_TIERING'); // 'INTELLIGENT_TIERING'
 */
export function copyStorageClass(sourceClass: string | undefined, setting: 'source' | CopyableStorageClass): CopyableStorageClass | undefined {
  const chosen = setting === 'source' ? sourceClass : setting;
  if (!chosen || chosen === 'STANDARD') return undefined;
  return (COPYABLE_STORAGE_CLASSES as readonly string[]).includes(chosen) ? (chosen as CopyableStorageClass) : undefined;
}

/**
 * Whether an archived object's restore may be requested with this tier (AWS: Expedited is not
 * offered for DEEP_ARCHIVE nor the Deep Archive Access tier). The reason when not.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
 *
 * @example
 * restoreTierProblem({ storageClass: 'DEEP_ARCHIVE', accessTier: undefined, restoreInProgress: false }, 'Expedited');
 * // 'Expedited retrieval is not available for Deep Archive'
 */
export function restoreTierProblem(archive: NonNullable<ObjectStateVerdict['archive']>, tier: RestoreTier): string | undefined {
  const deep = archive.storageClass === 'DEEP_ARCHIVE' || archive.accessTier === 'DEEP_ARCHIVE_ACCESS';
  return deep && tier === 'Expedited' ? 'Expedited retrieval is not available for Deep Archive' : undefined;
}

function archivedState(state: ObjectStateFacts | undefined): { storageClass: string; accessTier: string | undefined; restoreInProgress: boolean } | undefined {
  if (!state) return undefined;
  const restore = state.restore ?? '';
  // A finished restore (ongoing-request="false") leaves a readable copy until its expiry date.
  if (/ongoing-request="false"/.test(restore)) return undefined;
  const restoreInProgress = /ongoing-request="true"/.test(restore);
  if (state.storageClass && ARCHIVE_CLASSES.has(state.storageClass)) return { storageClass: state.storageClass, accessTier: undefined, restoreInProgress };
  if (state.storageClass === 'INTELLIGENT_TIERING' && state.archiveStatus && ARCHIVE_TIERS.has(state.archiveStatus)) {
    return { storageClass: 'INTELLIGENT_TIERING', accessTier: state.archiveStatus, restoreInProgress };
  }
  return undefined;
}

function archivedVerdict(storageClass: string, accessTier: string | undefined, restoreInProgress: boolean): ObjectStateVerdict {
  const where = accessTier ? `${storageClass} ${accessTier}` : storageClass;
  const detail = restoreInProgress
    ? `archived (${where}): a restore is in progress; it is organized when the restore completes`
    : `archived (${where}): restore it first, then re-run backfill`;
  return { reason: 'archived', detail, archive: { storageClass, accessTier, restoreInProgress } };
}

function isKmsDenial(failure: S3FailureFacts): boolean {
  const code = failure.code ?? '';
  if (code.startsWith('KMS.')) return true;
  // S3 names the KMS action in the message of a KMS-caused AccessDenied; older answers speak of the ciphertext's key.
  return code === 'AccessDenied' && /\bkms:|KMS key|customer master key|ciphertext/i.test(failure.message ?? '');
}

function kmsVerdict(operation: FailedOperation): ObjectStateVerdict {
  const action = operation === 'copy' ? 'kms:Decrypt / kms:GenerateDataKey' : 'kms:Decrypt';
  return { reason: 'kms-key-not-granted', detail: `KMS key not granted (${action}): add it to \`kms_key_arns\`` };
}

const EMPTY: ObjectStateVerdict = Object.freeze({
  reason: 'empty-object',
  detail: 'empty (0 bytes): a placeholder, not copied; the real upload is organized by its own event',
});
const CUSTOMER_KEY: ObjectStateVerdict = Object.freeze({
  reason: 'encrypted-customer-key',
  detail: 'encrypted with a customer key (SSE-C): cannot be read',
});

/** The plain words of each {@link ObjectStateReason} (the README's table). */
export const OBJECT_STATE_REASONS: Readonly<Record<ObjectStateReason, string>> = Object.freeze({
  'empty-object': EMPTY.detail,
  archived: 'archived (GLACIER, DEEP_ARCHIVE, Intelligent-Tiering archive tiers): restore it first, then re-run backfill',
  'encrypted-customer-key': CUSTOMER_KEY.detail,
  'kms-key-not-granted': 'KMS key not granted: add it to `kms_key_arns`',
});
