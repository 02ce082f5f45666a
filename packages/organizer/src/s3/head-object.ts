import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import type { ObjectFacts, ObjectReference } from '../core/object-reference.js';
import type { ObjectStateFacts } from '../core/object-state.js';
import type { ExistingObject } from '../core/same-content.js';
import { checksumFrom } from './checksum.js';

/** Whether to ask S3 for the stored checksum (`x-amz-checksum-mode: ENABLED`); off for stores that give none. */
export interface HeadOptions {
  readonly checksums?: boolean;
}

/**
 * HEADs the source (the event's version when it named one) and returns what the plan needs, or
 * undefined when the object is gone (404). With `checksums`, the stored checksum comes too.
 *
 * @throws the SDK's error for anything but 404 (S3 trouble: Lambda retries).
 */
export async function headSource(
  client: S3Client,
  reference: ObjectReference,
  signal?: AbortSignal,
  options: HeadOptions = {},
): Promise<ObjectFacts | undefined> {
  const head = await headOrUndefined(client, { bucket: reference.bucket, key: reference.key, versionId: reference.versionId }, signal, options);
  if (!head) return undefined;
  const versionId = reference.versionId ?? (head.VersionId && head.VersionId !== 'null' ? head.VersionId : undefined);
  return {
    object: {
      bucket: reference.bucket,
      key: reference.key,
      versionId,
      size: head.ContentLength ?? 0,
      eTag: head.ETag ?? '',
      checksum: checksumFrom(head),
    },
    lastModified: head.LastModified,
    userMetadata: head.Metadata,
    contentHeaders: {
      ContentType: head.ContentType,
      CacheControl: head.CacheControl,
      ContentDisposition: head.ContentDisposition,
      ContentEncoding: head.ContentEncoding,
      ContentLanguage: head.ContentLanguage,
    },
    state: stateFacts(head),
  };
}

/** The response fields `core/object-state.ts` decides from; HeadObject and GetObject (a ranged GET's 206) both carry them. */
export type StateHeaders = Partial<
  Pick<
    HeadObjectCommandOutput,
    | 'StorageClass'
    | 'ArchiveStatus'
    | 'Restore'
    | 'ServerSideEncryption'
    | 'SSEKMSKeyId'
    | 'SSECustomerAlgorithm'
    | 'ObjectLockLegalHoldStatus'
    | 'ObjectLockMode'
    | 'ObjectLockRetainUntilDate'
    | 'TagCount'
  >
>;

/**
 * The facts `core/object-state.ts` decides from (storage class, encryption, Object Lock, tag
 * count), from a HEAD or from the first ranged GET's response (same fields; GET has no archive status).
 *
 * @example
 * decideBeforeRead(stateFacts(head), head.ContentLength ?? 0);
 */
export function stateFacts(head: StateHeaders): ObjectStateFacts {
  return {
    storageClass: head.StorageClass,
    archiveStatus: head.ArchiveStatus,
    restore: head.Restore,
    serverSideEncryption: head.ServerSideEncryption,
    kmsKeyId: head.SSEKMSKeyId,
    sseCustomerAlgorithm: head.SSECustomerAlgorithm,
    legalHold: head.ObjectLockLegalHoldStatus,
    lockMode: head.ObjectLockMode,
    retainUntil: head.ObjectLockRetainUntilDate,
    tagCount: head.TagCount,
  };
}

/**
 * HEADs a key that may be there (a collision candidate, a copy to verify).
 *
 * @throws the SDK's error for anything but 404.
 */
export async function headExisting(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
  options: HeadOptions = {},
): Promise<ExistingObject | undefined> {
  const head = await headOrUndefined(client, { bucket, key, versionId: undefined }, signal, options);
  return head ? { size: head.ContentLength, eTag: head.ETag, userMetadata: head.Metadata, checksum: checksumFrom(head) } : undefined;
}

async function headOrUndefined(
  client: S3Client,
  target: { readonly bucket: string; readonly key: string; readonly versionId: string | undefined },
  signal: AbortSignal | undefined,
  options: HeadOptions,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await client.send(
      new HeadObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        VersionId: target.versionId,
        ...(options.checksums ? { ChecksumMode: 'ENABLED' as const } : {}),
      }),
      { abortSignal: signal },
    );
  } catch (error) {
    if (s3ErrorKind(error) === 'not-found') return undefined;
    throw error;
  }
}
