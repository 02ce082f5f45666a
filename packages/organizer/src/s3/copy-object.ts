import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import pMap from 'p-map';
import type { ContentHeaders, PinnedObject } from '../core/object-reference.js';

export interface CopyRequest {
  readonly client: S3Client;
  /** The version to copy; the copy happens only while the source still has this ETag. */
  readonly source: PinnedObject;
  readonly bucket: string;
  readonly key: string;
  /** Headers that describe the content (Content-Type, Cache-Control, ...), carried over. */
  readonly contentHeaders: ContentHeaders;
  readonly metadata: Readonly<Record<string, string>>;
  /** Sources of at least this many bytes are copied with UploadPartCopy (CopyObject's limit is 5 GiB). */
  readonly multipartThresholdBytes: number;
  /** Bytes per UploadPartCopy part (5 MiB to 5 GiB). */
  readonly partSizeBytes: number;
  /** Parts copied at once. @default 4 */
  readonly partConcurrency?: number;
  readonly signal?: AbortSignal;
}

/** `x-amz-copy-source`: bucket/key URL-encoded (slashes kept), with the version when known. */
export function copySource(source: Pick<PinnedObject, 'bucket' | 'key' | 'versionId'>): string {
  const key = source.key.split('/').map(encodeURIComponent).join('/');
  return `${source.bucket}/${key}${source.versionId ? `?versionId=${encodeURIComponent(source.versionId)}` : ''}`;
}

/**
 * Copies server-side, never overwriting: `If-None-Match: *` makes S3 refuse (412/409) when the key
 * exists, and `x-amz-copy-source-if-match` refuses a source that changed since we read it.
 * Objects at or above the threshold go through UploadPartCopy (parts in parallel); a failed
 * multipart copy is aborted so no parts are left behind.
 */
export async function copyObject(request: CopyRequest): Promise<void> {
  const { client, source, signal } = request;
  const common = {
    Bucket: request.bucket,
    Key: request.key,
    ...request.contentHeaders,
    Metadata: { ...request.metadata },
  };
  if (source.size < request.multipartThresholdBytes) {
    await client.send(
      new CopyObjectCommand({
        ...common,
        CopySource: copySource(source),
        CopySourceIfMatch: source.eTag || undefined,
        MetadataDirective: 'REPLACE',
        IfNoneMatch: '*',
      }),
      { abortSignal: signal },
    );
    return;
  }

  const { UploadId } = await client.send(new CreateMultipartUploadCommand(common), { abortSignal: signal });
  if (!UploadId) throw new Error(`CreateMultipartUpload for ${request.key} returned no UploadId`);
  try {
    const partSize = request.partSizeBytes;
    const partCount = Math.ceil(source.size / partSize);
    // Parts in parallel; the first failure stops new parts from starting (then the upload is aborted).
    const parts = await pMap(
      Array.from({ length: partCount }, (_, index) => index),
      async (index) => {
        const first = index * partSize;
        const last = Math.min(source.size, first + partSize) - 1;
        const result = await client.send(
          new UploadPartCopyCommand({
            Bucket: request.bucket,
            Key: request.key,
            UploadId,
            PartNumber: index + 1,
            CopySource: copySource(source),
            CopySourceIfMatch: source.eTag || undefined,
            CopySourceRange: `bytes=${first}-${last}`,
          }),
          { abortSignal: signal },
        );
        const eTag = result.CopyPartResult?.ETag;
        if (!eTag) throw new Error(`UploadPartCopy part ${index + 1} of ${request.key} returned no ETag`);
        return { PartNumber: index + 1, ETag: eTag };
      },
      { concurrency: request.partConcurrency ?? 4 },
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: request.bucket,
        Key: request.key,
        UploadId,
        MultipartUpload: { Parts: parts },
        IfNoneMatch: '*',
      }),
      { abortSignal: signal },
    );
  } catch (error) {
    // Best effort: a lifecycle rule for incomplete uploads (infra) catches what this misses.
    await client.send(new AbortMultipartUploadCommand({ Bucket: request.bucket, Key: request.key, UploadId })).catch(() => undefined);
    throw error;
  }
}
