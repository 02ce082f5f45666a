import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CarriedAttributes } from '../core/carried-attributes.js';
import type { ContentHeaders, PinnedObject } from '../core/object-reference.js';
import { checksumFrom, copyAlgorithmFor, type ObjectChecksum } from './checksum.js';
import { copySource } from './copy-source.js';
import { resumableCopy } from './resumable-copy.js';

export interface CopyRequest {
  readonly client: S3Client;
  /** The version to copy; the copy happens only while the source still has this ETag. */
  readonly source: PinnedObject;
  readonly bucket: string;
  readonly key: string;
  /** Headers that describe the content (Content-Type, Cache-Control, ...), carried over. */
  readonly contentHeaders: ContentHeaders;
  readonly metadata: Readonly<Record<string, string>>;
  /** The storage class and (multipart path) the source's tags: `core/carried-attributes.ts`. */
  readonly carried?: Pick<CarriedAttributes, 'storageClass' | 'tagging'> | undefined;
  /** Sources of at least this many bytes are copied with UploadPartCopy (CopyObject's limit is 5 GiB). */
  readonly multipartThresholdBytes: number;
  /** Bytes per UploadPartCopy part (5 MiB to 5 GiB). */
  readonly partSizeBytes: number;
  /** Parts copied at once at most. @default 8 */
  readonly partConcurrency?: number;
  /** Ask the store for a checksum of the copy (S3 computes it over the copied bytes). @default true */
  readonly checksums?: boolean;
  readonly signal?: AbortSignal;
  /** `Date.now()` value by which a multipart copy must stop (it resumes on the next attempt). */
  readonly deadline?: number;
}

/** The new object. */
export interface CopyResult {
  /** Quoted ETag. */
  readonly eTag: string;
  /** Its checksum, computed by the store over the copied bytes; undefined when the store gives none. */
  readonly checksum: ObjectChecksum | undefined;
}

/**
 * Copies server-side, never overwriting: `If-None-Match: *` makes S3 refuse (412/409) when the key
 * exists, and `x-amz-copy-source-if-match` refuses a source that changed since we read it. The
 * copy asks for a full-object checksum in the source's algorithm (CRC64NVME when the source has
 * none to compare with), so the result can be compared with the source before anything is deleted.
 * Objects at or above the threshold go through {@link resumableCopy} (UploadPartCopy, resumed by
 * the next attempt when time runs out).
 *
 * @throws the SDK's error (412/409: the key exists or the source changed), and `resumableCopy`'s.
 * @example
 * const { checksum } = await copyObject({ client, source, bucket: 'library', key: '2019/IMG_1.JPG', contentHeaders: {}, metadata: {}, multipartThresholdBytes: 5 * 1024 ** 3, partSizeBytes: 256 * 1024 ** 2 });
 */
export async function copyObject(request: CopyRequest): Promise<CopyResult> {
  const { client, source, signal } = request;
  const checksums = request.checksums ?? true;
  if (source.size >= request.multipartThresholdBytes) {
    const copied = await resumableCopy({
      client,
      source: { ...source, checksum: checksums ? source.checksum : undefined },
      bucket: request.bucket,
      key: request.key,
      // Issue 21: CreateMultipartUpload starts without tags or class: both are named here.
      headers: {
        ...request.contentHeaders,
        ...(request.carried?.storageClass ? { StorageClass: request.carried.storageClass } : {}),
        ...(request.carried?.tagging ? { Tagging: request.carried.tagging } : {}),
      },
      metadata: request.metadata,
      preferredPartSize: request.partSizeBytes,
      checksums,
      ...(request.partConcurrency ? { maxConcurrency: request.partConcurrency } : {}),
      ...(signal ? { signal } : {}),
      ...(request.deadline !== undefined ? { deadline: request.deadline } : {}),
    });
    return { eTag: copied.eTag, checksum: copied.checksum };
  }
  const result = await client.send(
    new CopyObjectCommand({
      Bucket: request.bucket,
      Key: request.key,
      ...request.contentHeaders,
      Metadata: { ...request.metadata },
      CopySource: copySource(source),
      CopySourceIfMatch: source.eTag || undefined,
      MetadataDirective: 'REPLACE',
      IfNoneMatch: '*',
      // Issue 21: tags are copied by S3 (x-amz-tagging-directive COPY, the default); the class is named.
      ...(request.carried?.storageClass ? { StorageClass: request.carried.storageClass } : {}),
      ...(checksums ? { ChecksumAlgorithm: copyAlgorithmFor(source.checksum) } : {}),
    }),
    { abortSignal: signal },
  );
  return { eTag: result.CopyObjectResult?.ETag ?? '', checksum: checksums ? checksumFrom(result.CopyObjectResult) : undefined };
}
