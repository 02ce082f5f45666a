import type { ObjectStateFacts } from './object-state.js';

/**
 * The checksum S3 stores with an object: the algorithm, whether it covers the whole object
 * (`FULL_OBJECT`) or is a checksum of part checksums (`COMPOSITE`, value ending in `-N`), and the
 * base64 value. S3 gives every object written since its default integrity protections one
 * (CRC64NVME when the writer named none).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
 */
export interface ObjectChecksum {
  readonly algorithm: 'CRC64NVME' | 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256';
  readonly type: 'FULL_OBJECT' | 'COMPOSITE';
  /** Base64, as S3 returns it. */
  readonly value: string;
}

/**
 * One S3 object, whatever delivered it (an S3 notification, a Batch Operations task, a listing,
 * the CLI): the one type for "this object" across the organizer.
 *
 * @example
 * const reference: ObjectReference = { bucket: 'photos', key: 'uploads/IMG_0001.JPG', size: 2_450_112, eTag: '"9b2cf535f27731c974343645a3985328"' };
 */
export interface ObjectReference {
  readonly bucket: string;
  /** The real key (URL-decoded), UTF-8, at most 1,024 bytes. */
  readonly key: string;
  /** The version, on a versioned bucket, when the event named one. */
  readonly versionId?: string | undefined;
  /** Size in bytes, when known (events and listings carry it). */
  readonly size?: number | undefined;
  /** The ETag as S3 reports it (quoted or not), when known. */
  readonly eTag?: string | undefined;
  /** S3's per-key ordering token, when the event carried one. */
  readonly sequencer?: string | undefined;
}

/**
 * An {@link ObjectReference} after S3 answered for it: the size and ETag of the one version that is
 * read and copied (every later request is conditioned on that ETag).
 * @example
 * const pinned: PinnedObject = { bucket: 'in', key: 'IMG_1.JPG', size: 2048, eTag: '"9b2cf535f27731c974343645a3985328"' };
 */
export type PinnedObject = ObjectReference & {
  readonly size: number;
  readonly eTag: string;
  /** The checksum S3 stores with this version, when the store returns checksums. */
  readonly checksum?: ObjectChecksum | undefined;
};

/**
 * The headers that describe the content (carried from the source to the copy).
 * @example
 * const headers: ContentHeaders = { ContentType: 'image/jpeg', CacheControl: 'max-age=31536000' };
 */
export interface ContentHeaders {
  readonly ContentType?: string | undefined;
  readonly CacheControl?: string | undefined;
  readonly ContentDisposition?: string | undefined;
  readonly ContentEncoding?: string | undefined;
  readonly ContentLanguage?: string | undefined;
}

/**
 * What S3 told us about the source before its bytes were read: everything the plan needs besides
 * the metadata inside the file.
 * @example
 * const facts = await headSource(client, { bucket: 'in', key: 'IMG_1.JPG' }); // undefined when the object is gone
 */
export interface ObjectFacts {
  readonly object: PinnedObject;
  /** S3 LastModified: the upload time (future-date check, `UNDATED=upload-date`). */
  readonly lastModified?: Date | undefined;
  /** The object's user metadata (`x-amz-meta-*`, names lower-case, values as S3 returns them). */
  readonly userMetadata?: Readonly<Record<string, string>> | undefined;
  readonly contentHeaders: ContentHeaders;
  /** Storage class, encryption, Object Lock and tag count as S3 reported them (`core/object-state.ts` decides from these). */
  readonly state?: ObjectStateFacts | undefined;
}

/** `s3://bucket/key`, for logs and outcomes. */
export function objectUrl(object: Pick<ObjectReference, 'bucket' | 'key'>): string {
  return `s3://${object.bucket}/${object.key}`;
}

/** The last path segment of a key (`a/b/IMG_1.JPG` -> `IMG_1.JPG`). */
export function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
