import type { GetObjectCommandOutput, HeadObjectCommandOutput } from '@aws-sdk/client-s3';

/**
 * What S3 said about the object in the reader's first response (a ranged GET's 206 carries the
 * same headers as a HEAD, so a caller needs no HEAD of its own). Header meanings:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_ResponseSyntax
 */
export interface ObjectFacts {
  /** Total object size in bytes (from `Content-Range: bytes a-b/<size>` of a 206). */
  readonly size: number;
  /** The ETag, quoted as S3 sends it. */
  readonly etag: string | undefined;
  /** `x-amz-version-id`; `undefined` on an unversioned bucket (S3's `null` version included). */
  readonly versionId: string | undefined;
  readonly lastModified: Date | undefined;
  readonly contentType: string | undefined;
  readonly cacheControl: string | undefined;
  readonly contentDisposition: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly contentLanguage: string | undefined;
  /** User metadata (`x-amz-meta-*`), names lower-cased without the prefix, as the SDK returns them. */
  readonly metadata: Readonly<Record<string, string>>;
  /** `x-amz-storage-class`; S3 omits it for STANDARD. */
  readonly storageClass: string | undefined;
  /** `x-amz-server-side-encryption`: `AES256`, `aws:kms`, `aws:kms:dsse`. */
  readonly serverSideEncryption: string | undefined;
  /** `x-amz-server-side-encryption-aws-kms-key-id`, for SSE-KMS objects. */
  readonly sseKmsKeyId: string | undefined;
  /** `x-amz-server-side-encryption-bucket-key-enabled`. */
  readonly bucketKeyEnabled: boolean | undefined;
  /** `x-amz-server-side-encryption-customer-algorithm`: set for SSE-C objects (a copy needs the key). */
  readonly sseCustomerAlgorithm: string | undefined;
  /** `x-amz-restore`: a restored archive's `ongoing-request="false", expiry-date=...`. */
  readonly restore: string | undefined;
  /** `x-amz-object-lock-legal-hold` (`ON` / `OFF`), shown to callers with s3:GetObjectLegalHold. */
  readonly objectLockLegalHold: string | undefined;
  /** `x-amz-object-lock-mode` (`GOVERNANCE` / `COMPLIANCE`), shown to callers with s3:GetObjectRetention. */
  readonly objectLockMode: string | undefined;
  readonly objectLockRetainUntil: Date | undefined;
  /** `x-amz-tagging-count`. */
  readonly tagCount: number | undefined;
}

/** Facts from a GET or HEAD response; `size` is the caller's (Content-Range total or Content-Length). */
export function objectFacts(output: GetObjectCommandOutput | HeadObjectCommandOutput, size: number): ObjectFacts {
  return Object.freeze({
    size,
    etag: output.ETag,
    versionId: output.VersionId === undefined || output.VersionId === 'null' ? undefined : output.VersionId,
    lastModified: output.LastModified,
    contentType: output.ContentType,
    cacheControl: output.CacheControl,
    contentDisposition: output.ContentDisposition,
    contentEncoding: output.ContentEncoding,
    contentLanguage: output.ContentLanguage,
    metadata: Object.freeze({ ...(output.Metadata ?? {}) }),
    storageClass: output.StorageClass,
    serverSideEncryption: output.ServerSideEncryption,
    sseKmsKeyId: output.SSEKMSKeyId,
    bucketKeyEnabled: output.BucketKeyEnabled,
    sseCustomerAlgorithm: output.SSECustomerAlgorithm,
    restore: output.Restore,
    objectLockLegalHold: output.ObjectLockLegalHoldStatus,
    objectLockMode: output.ObjectLockMode,
    objectLockRetainUntil: output.ObjectLockRetainUntilDate,
    tagCount: 'TagCount' in output ? output.TagCount : undefined,
  });
}
