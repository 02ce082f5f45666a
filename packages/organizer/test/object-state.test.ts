import { describe, expect, it } from 'vitest';
import {
  copyStorageClass,
  decideAfterFailure,
  decideBeforeRead,
  deleteRefusedReason,
  restoreTierProblem,
  sourceKeptReason,
} from '../src/core/object-state.js';

describe('decideBeforeRead: from the first response alone', () => {
  it('an empty object is a placeholder, skipped in words', () => {
    expect(decideBeforeRead(undefined, 0)).toMatchObject({ reason: 'empty-object', detail: expect.stringContaining('empty (0 bytes)') });
  });

  it.each([
    [{ storageClass: 'DEEP_ARCHIVE' }, 'archived (DEEP_ARCHIVE): restore it first, then re-run backfill'],
    [{ storageClass: 'GLACIER' }, 'archived (GLACIER): restore it first, then re-run backfill'],
    [{ storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'DEEP_ARCHIVE_ACCESS' }, 'archived (INTELLIGENT_TIERING DEEP_ARCHIVE_ACCESS): restore it first, then re-run backfill'],
    [{ storageClass: 'GLACIER', restore: 'ongoing-request="true"' }, 'archived (GLACIER): a restore is in progress; it is organized when the restore completes'],
  ])('%o is archived', (state, detail) => {
    expect(decideBeforeRead(state, 10)).toMatchObject({ reason: 'archived', detail });
  });

  it.each([
    [{}],
    [{ storageClass: 'STANDARD_IA' }],
    [{ storageClass: 'GLACIER_IR' }],
    [{ storageClass: 'INTELLIGENT_TIERING', archiveStatus: undefined }],
    // A finished restore leaves a readable copy.
    [{ storageClass: 'DEEP_ARCHIVE', restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"' }],
    [{ serverSideEncryption: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/k' }],
  ])('%o can be read', (state) => {
    expect(decideBeforeRead(state, 10)).toBeUndefined();
  });

  it('an SSE-C object cannot be read', () => {
    expect(decideBeforeRead({ sseCustomerAlgorithm: 'AES256' }, 10)).toMatchObject({
      reason: 'encrypted-customer-key',
      detail: 'encrypted with a customer key (SSE-C): cannot be read',
    });
  });
});

describe('decideAfterFailure: the S3 error code decides, never the status alone', () => {
  it.each([
    [{ code: 'InvalidObjectState', statusCode: 403, storageClass: 'DEEP_ARCHIVE' }, 'read', 'archived', 'archived (DEEP_ARCHIVE): restore it first, then re-run backfill'],
    [{ code: 'InvalidObjectState', statusCode: 403, storageClass: 'INTELLIGENT_TIERING', accessTier: 'ARCHIVE_ACCESS' }, 'read', 'archived', 'archived (INTELLIGENT_TIERING ARCHIVE_ACCESS): restore it first, then re-run backfill'],
    [{ code: 'ObjectNotInActiveTierError', statusCode: 403 }, 'copy', 'archived', 'archived (an archive tier): restore it first, then re-run backfill'],
    [{ statusCode: 400 }, 'head', 'encrypted-customer-key', 'encrypted with a customer key (SSE-C): cannot be read'],
    [{ code: 'InvalidRequest', statusCode: 400, message: 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.' }, 'read', 'encrypted-customer-key', 'encrypted with a customer key (SSE-C): cannot be read'],
    [{ code: 'AccessDenied', statusCode: 403, message: 'User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext' }, 'read', 'kms-key-not-granted', 'KMS key not granted (kms:Decrypt): add it to `kms_key_arns`'],
    [{ code: 'KMS.DisabledException', statusCode: 400 }, 'copy', 'kms-key-not-granted', 'KMS key not granted (kms:Decrypt / kms:GenerateDataKey): add it to `kms_key_arns`'],
  ] as const)('%o on %s -> %s', (failure, operation, reason, detail) => {
    expect(decideAfterFailure(failure, operation)).toMatchObject({ reason, detail });
  });

  it.each([
    // A plain missing permission may be fixed by a deploy while Lambda retries.
    [{ code: 'AccessDenied', statusCode: 403, message: 'Access Denied' }, 'read'],
    [{ code: 'SlowDown', statusCode: 503 }, 'read'],
    [{ statusCode: 400 }, 'read'],
    [{ code: 'InvalidArgument', statusCode: 400 }, 'copy'],
  ] as const)('%o on %s is not a permanent state', (failure, operation) => {
    expect(decideAfterFailure(failure, operation)).toBeUndefined();
  });
});

describe('Object Lock in move mode', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('keeps a source under legal hold or unexpired retention', () => {
    expect(sourceKeptReason({ legalHold: 'ON' }, now)).toBe('under legal hold');
    expect(sourceKeptReason({ lockMode: 'COMPLIANCE', retainUntil: new Date('2030-01-01T00:00:00Z') }, now)).toBe(
      'under Object Lock retention (COMPLIANCE) until 2030-01-01T00:00:00.000Z',
    );
    expect(sourceKeptReason({ legalHold: 'OFF', retainUntil: new Date('2020-01-01T00:00:00Z') }, now)).toBeUndefined();
    expect(sourceKeptReason(undefined, now)).toBeUndefined();
  });

  it('recognises the delete S3 refuses for a locked version', () => {
    expect(deleteRefusedReason({ code: 'AccessDenied', message: 'Access Denied because object protected by object lock.' })).toBe(
      'under legal hold or Object Lock retention',
    );
    expect(deleteRefusedReason({ code: 'AccessDenied', message: 'Access Denied' })).toBeUndefined();
  });
});

describe('copyStorageClass', () => {
  it.each([
    [undefined, 'source', undefined],
    ['STANDARD', 'source', undefined],
    ['STANDARD_IA', 'source', 'STANDARD_IA'],
    ['INTELLIGENT_TIERING', 'source', 'INTELLIGENT_TIERING'],
    ['STANDARD_IA', 'INTELLIGENT_TIERING', 'INTELLIGENT_TIERING'],
    ['STANDARD_IA', 'STANDARD', undefined],
    // Not a class a copy in a general purpose bucket can have: S3's default applies.
    ['OUTPOSTS', 'source', undefined],
    ['EXPRESS_ONEZONE', 'source', undefined],
  ] as const)('source %s with setting %s -> %s', (source, setting, expected) => {
    expect(copyStorageClass(source, setting)).toBe(expected);
  });
});

describe('restoreTierProblem', () => {
  it('refuses Expedited for Deep Archive only', () => {
    expect(restoreTierProblem({ storageClass: 'DEEP_ARCHIVE', accessTier: undefined, restoreInProgress: false }, 'Expedited')).toMatch(/not available/);
    expect(restoreTierProblem({ storageClass: 'GLACIER', accessTier: undefined, restoreInProgress: false }, 'Expedited')).toBeUndefined();
    expect(restoreTierProblem({ storageClass: 'DEEP_ARCHIVE', accessTier: undefined, restoreInProgress: false }, 'Bulk')).toBeUndefined();
  });
});
