import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { joinKey, numberedKey, splitExtension } from '../core/key-template.js';

/** Different photos with one name on one day: name, name-1, name-2, ... up to this many. */
export const MAX_NUMBERED_NAMES = 10_000;

/** A numbered name found by the listing: its size (bytes) and ETag, to tell which could be our own copy. */
export interface TakenName {
  readonly size: number | undefined;
  readonly eTag: string | undefined;
}

/**
 * The numbered names (`name-1.jpg`, `name-2.jpg`, ...) already taken next to `key`, read with one
 * ListObjectsV2 listing of the name's stem (1,000 keys a page) instead of one HEAD per number.
 * The listing is a hint, not a lock: the copy itself is conditional (`If-None-Match: *`), so a
 * name taken after the listing is found out by the copy's 412.
 *
 * @example
 * const taken = await takenNumbers(client, 'library', '2019-07-15/photo.jpg'); // Map { 1 => { size, eTag }, 2 => ... }
 */
export async function takenNumbers(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<Map<number, TakenName>> {
  const slash = key.lastIndexOf('/');
  const folder = key.slice(0, slash + 1);
  const { stem, ext } = splitExtension(key.slice(slash + 1));
  const head = `${stem}-`;
  const tail = ext ? `.${ext}` : '';
  /** `stem-N.ext` -> N; anything else (`stem-album.ext`, `stem-1.ext.json`) -> undefined. */
  const numberOf = (name: string): number | undefined => {
    if (!name.startsWith(head) || !name.endsWith(tail)) return undefined;
    const digits = name.slice(head.length, name.length - tail.length);
    return /^[0-9]+$/.test(digits) ? Number(digits) : undefined;
  };
  const taken = new Map<number, TakenName>();
  const pages = paginateListObjectsV2({ client, pageSize: 1000, ...(signal ? { abortSignal: signal } : {}) }, { Bucket: bucket, Prefix: `${folder}${stem}-` });
  for await (const page of pages) {
    for (const object of page.Contents ?? []) {
      const number = numberOf(object.Key?.slice(folder.length) ?? '');
      if (number !== undefined) taken.set(number, { size: object.Size, eTag: object.ETag });
    }
  }
  return taken;
}

/**
 * `name-N.ext` for `name.ext` (shortened with a hash when the key would pass 1,024 bytes).
 * @example numberedName('undated/image.jpg', 3); // 'undated/image-3.jpg'
 */
export function numberedName(key: string, number: number): string {
  return joinKey('', numberedKey(key, number));
}

/**
 * The first numbered name at or after `from` that the listing did not show.
 * @throws RangeError past {@link MAX_NUMBERED_NAMES}
 * @example firstFreeName('undated/image.jpg', new Set([1, 2, 4])); // { key: 'undated/image-3.jpg', number: 3 }
 */
export function firstFreeName(key: string, taken: { has(number: number): boolean }, from = 1): { readonly key: string; readonly number: number } {
  for (let number = Math.max(1, from); number < MAX_NUMBERED_NAMES; number++) {
    if (!taken.has(number)) return { key: numberedName(key, number), number };
  }
  throw new RangeError(`more than ${MAX_NUMBERED_NAMES} different files named like ${key}`);
}
