import type { ContentHeaders } from './object-reference.js';
import { type CopyableStorageClass, copyStorageClass } from './object-state.js';

/**
 * What every copy path (CopyObject and the multipart UploadPartCopy path alike) writes besides the
 * bytes and the user metadata:
 * - the Content-* headers (Content-Type, Cache-Control, Content-Disposition, Content-Encoding,
 *   Content-Language), since the copy's metadata is replaced;
 * - the storage class: the configured one, else the source's (`STORAGE_CLASS=source`);
 * - the tags: CopyObject copies the source's tags itself (`x-amz-tagging-directive: COPY`, S3's
 *   default); CreateMultipartUpload starts with none, so the source's tags are read
 *   (GetObjectTagging) and sent as `Tagging`.
 *
 * Not carried: ACLs (the buckets own their objects; ACLs are off by design), Object Lock settings
 * (the destination bucket's defaults apply), the source's encryption (the destination bucket's
 * default encryption applies), `Expires` and website redirects.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
 */
export interface CarriedAttributes {
  readonly contentHeaders: ContentHeaders;
  /** Undefined: the request names none (STANDARD). */
  readonly storageClass: CopyableStorageClass | undefined;
  /**
   * The source's tags as a URL query (`a=1&b=x%20y`), for the multipart path; undefined when the
   * source has none or on the single-request path (where S3 copies them).
   */
  readonly tagging: string | undefined;
}

export interface CarriedAttributesInput {
  readonly contentHeaders: ContentHeaders;
  /** `x-amz-storage-class` of the source (absent: STANDARD). */
  readonly sourceStorageClass: string | undefined;
  readonly storageClassSetting: 'source' | CopyableStorageClass;
  /** The source's tags, when they were read (multipart path). */
  readonly sourceTags?: readonly { readonly Key?: string | undefined; readonly Value?: string | undefined }[] | undefined;
}

/**
 * Computes the {@link CarriedAttributes} of one copy; pure.
 *
 * @example
 * carriedAttributes({ contentHeaders: { ContentType: 'image/jpeg' }, sourceStorageClass: 'STANDARD_IA', storageClassSetting: 'source', sourceTags: [{ Key: 'album', Value: 'trip 2019' }] });
 * // { contentHeaders: { ContentType: 'image/jpeg' }, storageClass: 'STANDARD_IA', tagging: 'album=trip%202019' }
 */
export function carriedAttributes(input: CarriedAttributesInput): CarriedAttributes {
  const tags = (input.sourceTags ?? []).filter((tag) => typeof tag.Key === 'string' && tag.Key !== '');
  return {
    contentHeaders: input.contentHeaders,
    storageClass: copyStorageClass(input.sourceStorageClass, input.storageClassSetting),
    tagging: tags.length > 0 ? tags.map((tag) => `${encodeURIComponent(tag.Key!)}=${encodeURIComponent(tag.Value ?? '')}`).join('&') : undefined,
  };
}

/**
 * Whether the source's tags must be read before copying: only the multipart path needs them, and
 * only when the source may have some (`x-amz-tagging-count` absent or above 0).
 */
export function needsSourceTags(input: { readonly size: number; readonly multipartThresholdBytes: number; readonly tagCount: number | undefined }): boolean {
  return input.size >= input.multipartThresholdBytes && (input.tagCount === undefined || input.tagCount > 0);
}
