import type { S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import type { CarriedAttributes } from '../core/carried-attributes.js';
import { joinKey, numberedKey } from '../core/key-template.js';
import type { ContentHeaders, PinnedObject } from '../core/object-reference.js';
import { isSameContent } from '../core/same-content.js';
import { copyObject } from './copy-object.js';
import { headExisting } from './head-object.js';

/** Different photos with one name on one day: name, name-1, name-2, ... up to this many. */
const MAX_NUMBERED_NAMES = 10_000;

/** Where and how to place one copy. */
export interface PlaceCopyOptions {
  readonly client: S3Client;
  readonly source: PinnedObject;
  readonly destinationBucket: string;
  /** The preferred key; taken by other bytes -> `name-1.ext`, `name-2.ext`, ... */
  readonly targetKey: string;
  readonly contentHeaders: ContentHeaders;
  /** The copy's user metadata (at most 2 KB). */
  readonly userMetadata: Readonly<Record<string, string>>;
  /** Storage class and multipart tags (`core/carried-attributes.ts`). */
  readonly carried?: Pick<CarriedAttributes, 'storageClass' | 'tagging'> | undefined;
  /** Bytes; see `CopyRequest`. */
  readonly multipartThresholdBytes: number;
  /** Bytes; see `CopyRequest`. */
  readonly partSizeBytes: number;
  readonly signal?: AbortSignal | undefined;
}

/** Where the copy is. `copied: false` when an identical copy was already there (repeated event, re-run). */
export interface PlacedCopy {
  readonly key: string;
  readonly copied: boolean;
}

/**
 * Copies the source to the target key, or the first numbered variant that is free; never
 * overwrites. A key that already holds the same bytes is the copy (nothing is copied again).
 *
 * @throws the SDK's error when S3 fails; `Error` after {@link MAX_NUMBERED_NAMES} taken names.
 * @example
 * await placeCopy({ client, source, destinationBucket: 'library', targetKey: '2019-05-26/IMG_1.JPG', contentHeaders: {}, userMetadata: {}, multipartThresholdBytes: 5 * 1024 ** 3, partSizeBytes: 256 * 1024 ** 2 });
 * // { key: '2019-05-26/IMG_1-1.JPG', copied: true } when another IMG_1.JPG was there
 */
export async function placeCopy(options: PlaceCopyOptions): Promise<PlacedCopy> {
  const { client, destinationBucket, signal } = options;
  for (let index = 0; index < MAX_NUMBERED_NAMES; index++) {
    const candidate = index === 0 ? options.targetKey : joinKey('', numberedKey(options.targetKey, index));
    const existing = await headExisting(client, destinationBucket, candidate, signal);
    if (existing) {
      if (isSameContent(existing, options.source)) return { key: candidate, copied: false };
      continue;
    }
    try {
      await copyObject({
        client,
        source: options.source,
        bucket: destinationBucket,
        key: candidate,
        contentHeaders: options.contentHeaders,
        metadata: options.userMetadata,
        carried: options.carried,
        multipartThresholdBytes: options.multipartThresholdBytes,
        partSizeBytes: options.partSizeBytes,
        ...(signal ? { signal } : {}),
      });
      return { key: candidate, copied: true };
    } catch (error) {
      // Another invocation wrote this key between our HEAD and our copy: look at it again.
      const kind = s3ErrorKind(error);
      if ((kind === 'precondition-failed' || kind === 'conflict') && (await headExisting(client, destinationBucket, candidate, signal))) {
        index--;
        continue;
      }
      throw error;
    }
  }
  throw new Error(`more than ${MAX_NUMBERED_NAMES} different files named like ${options.targetKey}`);
}
