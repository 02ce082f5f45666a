import { AccessDeniedError, S3RangeReaderError, s3ErrorCode, statusOf } from '@photo-organizer/s3-range-reader';
import type { S3FailureFacts } from '../core/object-state.js';

/**
 * What a failed S3 request said, for `core/object-state.ts`: the S3 error code, message, status and
 * (for `InvalidObjectState`) the storage class and access tier. Reads through the range reader's
 * typed errors to the SDK error they wrap.
 *
 * @example
 * decideAfterFailure(s3FailureFacts(error), 'read');
 */
export function s3FailureFacts(error: unknown): S3FailureFacts {
  const sdkError = error instanceof S3RangeReaderError && error.cause ? error.cause : error;
  const raw = (sdkError ?? {}) as { readonly message?: string; readonly StorageClass?: string; readonly AccessTier?: string };
  const code = error instanceof AccessDeniedError ? error.code : (s3ErrorCode(sdkError) ?? s3ErrorCode(error));
  const statusCode = error instanceof S3RangeReaderError ? (error.statusCode ?? statusOf(sdkError)) : statusOf(sdkError);
  return {
    code,
    message: raw.message,
    statusCode,
    ...(raw.StorageClass ? { storageClass: raw.StorageClass } : {}),
    ...(raw.AccessTier ? { accessTier: raw.AccessTier } : {}),
  };
}
