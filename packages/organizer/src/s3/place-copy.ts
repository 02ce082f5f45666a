import type { S3Client } from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import type { CarriedAttributes } from '../core/carried-attributes.js';
import type { ContentHeaders, PinnedObject } from '../core/object-reference.js';
import { type ExistingObject, isSameContent, type ObjectChecksum } from '../core/same-content.js';
import { copyObject } from './copy-object.js';
import { firstFreeName, MAX_NUMBERED_NAMES, numberedName, takenNumbers } from './free-name.js';
import { headExisting } from './head-object.js';

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
  /** The store returns checksums (see `Configuration.s3.checksums`). @default true */
  readonly checksums?: boolean;
  readonly signal?: AbortSignal | undefined;
  /** `Date.now()` value by which a multipart copy must stop (it resumes on the next attempt). */
  readonly deadline?: number | undefined;
}

/** Where the copy is. `copied: false` when an identical copy was already there (repeated event, re-run). */
export interface PlacedCopy {
  readonly key: string;
  readonly copied: boolean;
  /** The copy's checksum as the store computed it (or reported it for a copy already there). */
  readonly checksum: ObjectChecksum | undefined;
  /** The copy as a HEAD saw it, when it was already there. */
  readonly existing?: ExistingObject | undefined;
}

/**
 * Copies the source to the target key, or the first numbered variant that is free; never
 * overwrites. The copy goes first, conditional on the key being free (`If-None-Match: *`); only
 * when S3 answers 412/409 is the key looked at (HEAD): the same bytes there means a repeated event
 * (nothing copied), other bytes mean a numbered name, found with one listing of the name's
 * numbered variants rather than a HEAD per number: a variant of the source's size is looked at
 * first (an earlier attempt's copy), else the first free number is used.
 *
 * @throws the SDK's error when S3 fails; `RangeError` after {@link MAX_NUMBERED_NAMES} taken names.
 * @example
 * await placeCopy({ client, source, destinationBucket: 'library', targetKey: '2019-05-26/IMG_1.JPG', contentHeaders: {}, userMetadata: {}, multipartThresholdBytes: 5 * 1024 ** 3, partSizeBytes: 256 * 1024 ** 2 });
 * // { key: '2019-05-26/IMG_1-1.JPG', copied: true, checksum: {...} } when another IMG_1.JPG was there
 */
export async function placeCopy(options: PlaceCopyOptions): Promise<PlacedCopy> {
  const { client, destinationBucket, signal } = options;
  const checksums = options.checksums ?? true;
  const attempt = async (key: string, again = 0): Promise<PlacedCopy | 'taken'> => {
    try {
      const copied = await copyObject({
        client,
        source: options.source,
        bucket: destinationBucket,
        key,
        contentHeaders: options.contentHeaders,
        metadata: options.userMetadata,
        carried: options.carried,
        multipartThresholdBytes: options.multipartThresholdBytes,
        partSizeBytes: options.partSizeBytes,
        checksums,
        ...(signal ? { signal } : {}),
        ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
      });
      return { key, copied: true, checksum: copied.checksum };
    } catch (error) {
      const kind = s3ErrorKind(error);
      // 412/409: the key is taken (or the source changed: then the HEAD below finds other bytes and
      // the next copy fails the same way, which is the retry the caller needs). 404 from a
      // multipart copy: a duplicate invocation completed the same upload first; look at the key.
      if (kind !== 'precondition-failed' && kind !== 'conflict' && kind !== 'not-found') throw error;
      const existing = await headExisting(client, destinationBucket, key, signal, { checksums });
      if (!existing && kind !== 'not-found' && again < 3) return attempt(key, again + 1); // deleted meanwhile: the same key again
      if (!existing) throw error;
      if (isSameContent(existing, options.source)) return { key, copied: false, checksum: existing.checksum, existing };
      return 'taken';
    }
  };

  const first = await attempt(options.targetKey);
  if (first !== 'taken') return first;
  const taken = await takenNumbers(client, destinationBucket, options.targetKey, signal);
  // An earlier attempt of this event may have placed the copy already (its answer lost, or it
  // failed later): a numbered name of the same size is looked at before any new number is used.
  for (const [number, found] of [...taken].sort(([a], [b]) => a - b)) {
    if (found.size !== options.source.size) continue;
    const key = numberedName(options.targetKey, number);
    const existing = await headExisting(client, destinationBucket, key, signal, { checksums });
    if (existing && isSameContent(existing, options.source)) return { key, copied: false, checksum: existing.checksum, existing };
  }
  let from = 1;
  for (let tries = 0; tries < MAX_NUMBERED_NAMES; tries++) {
    const candidate = firstFreeName(options.targetKey, taken, from);
    const placed = await attempt(candidate.key);
    if (placed !== 'taken') return placed;
    taken.set(candidate.number, { size: undefined, eTag: undefined }); // written after the listing: move on
    from = candidate.number + 1;
  }
  throw new RangeError(`more than ${MAX_NUMBERED_NAMES} different files named like ${options.targetKey}`);
}
