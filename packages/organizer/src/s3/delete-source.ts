import type { S3Client } from '@aws-sdk/client-s3';
import type { PinnedObject } from '../core/object-reference.js';
import { comparableChecksums, isSameContent, type ObjectChecksum } from '../core/same-content.js';
import { deleteIfUnchanged, type SourceDeletion } from './conditional-delete.js';
import { headExisting } from './head-object.js';

export type { SourceDeletion };

/** The copy to verify and the source to delete (move mode). */
export interface DeleteSourceOptions {
  readonly client: S3Client;
  /** The version that was copied: its ETag conditions the delete, its checksum verifies the copy. */
  readonly source: PinnedObject;
  readonly destinationBucket: string;
  /** Where the copy was placed. */
  readonly copyKey: string;
  /** The copy's checksum as the store computed it (copy result), when it gave one. */
  readonly copyChecksum: ObjectChecksum | undefined;
  /** The store returns checksums. @default true */
  readonly checksums?: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** The copy does not hold the source's bytes; the source was kept. Retrying looks again. */
export class CopyNotVerifiedError extends Error {
  override readonly name = 'CopyNotVerifiedError';
  constructor(
    readonly copyKey: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`move: the copy at ${copyKey} does not match the source (expected ${expected}, found ${found}); the source was kept`);
  }
}

/**
 * Move mode: deletes the source once its copy is verified, and only if the source is still the
 * object that was copied.
 * 1. Verify: the copy's checksum (computed by the store over the copied bytes) equals the source's
 *    when both are full-object checksums of one algorithm; otherwise (a store without checksums)
 *    a HEAD of the copy must show the same size and the source's ETag (or `source-etag`).
 * 2. Delete with `If-Match: <copied ETag>` and no `VersionId`: a newer upload under the same key is
 *    kept (`kept-newer`); on a versioned bucket S3 adds a delete marker, so the copied version stays
 *    recoverable and no version is ever removed for good.
 *
 * @throws CopyNotVerifiedError when the copy does not match (nothing deleted); the SDK's error when S3 fails.
 * @example
 * await deleteSourceAfterVerifying({ client, source, destinationBucket: 'library', copyKey: '2019-05-26/IMG_1.JPG', copyChecksum }); // { status: 'deleted' }
 */
export async function deleteSourceAfterVerifying(options: DeleteSourceOptions): Promise<SourceDeletion> {
  const { client, signal } = options;
  const checksums = options.checksums ?? true;
  // Without a source HEAD on the happy path the first ranged GET carried no checksum (S3 returns
  // none for a range): move mode, and only move mode, asks for it before deleting anything.
  const source = checksums && options.copyChecksum && !options.source.checksum ? await withStoredChecksum(client, options.source, signal) : options.source;
  if (checksums && comparableChecksums(options.copyChecksum, source.checksum)) {
    if (options.copyChecksum.value !== source.checksum!.value) {
      throw new CopyNotVerifiedError(options.copyKey, `${source.checksum!.algorithm} ${source.checksum!.value}`, options.copyChecksum.value);
    }
  } else {
    const target = await headExisting(client, options.destinationBucket, options.copyKey, signal, { checksums });
    if (!target || !isSameContent(target, source)) {
      throw new CopyNotVerifiedError(options.copyKey, `${source.size} bytes, ETag ${source.eTag}`, target ? `${target.size} bytes, ETag ${target.eTag}` : 'nothing');
    }
  }
  return deleteIfUnchanged(client, source, signal);
}

/** The source with the checksum S3 stores for the copied version (HEAD, ChecksumMode ENABLED). */
async function withStoredChecksum(client: DeleteSourceOptions['client'], source: DeleteSourceOptions['source'], signal: AbortSignal | undefined): Promise<DeleteSourceOptions['source']> {
  const head = await headExisting(client, source.bucket, source.key, signal, { checksums: true });
  // A different ETag means a newer upload: the delete below is refused by If-Match anyway.
  return head && head.eTag === source.eTag && head.checksum ? { ...source, checksum: head.checksum } : source;
}
