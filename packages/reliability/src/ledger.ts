/**
 * The ledger of everything the soak did to the source bucket (every version uploaded, with the
 * md5 of its bytes, and every delete), and the verdict by bytes: each version ever uploaded must
 * be in the library byte-identical or still in the source, or be gone for a reason S3 confirms.
 */
import { createHash } from 'node:crypto';

export interface LedgerVersion {
  readonly key: string;
  /** 0 for the first upload of a key, 1 for the first re-upload, ... */
  readonly sequence: number;
  readonly md5: string;
  readonly size: number;
  /** `performance.now()` when the PutObject was sent and when it answered. */
  readonly startedAt: number;
  readonly completedAt: number;
  /** What put it there: the plan, or the mutation that re-uploaded the key. */
  readonly origin: string;
}

export interface LedgerDelete {
  readonly key: string;
  readonly completedAt: number;
  readonly origin: string;
}

/** Versions and deletes, in the order their requests completed. */
export class Ledger {
  readonly versions: LedgerVersion[] = [];
  readonly deletes: LedgerDelete[] = [];

  recordUpload(key: string, body: Uint8Array, origin: string, startedAt = performance.now()): LedgerVersion {
    const version: LedgerVersion = {
      key,
      sequence: this.versions.filter((item) => item.key === key).length,
      md5: createHash('md5').update(body).digest('hex'),
      size: body.byteLength,
      startedAt,
      completedAt: performance.now(),
      origin,
    };
    this.versions.push(version);
    return version;
  }

  recordDelete(key: string, origin: string): void {
    this.deletes.push({ key, completedAt: performance.now(), origin });
  }
}

/** Where a version ended, judged from the buckets. */
export type VersionFate =
  | 'in-library'
  | 'in-library-undated'
  /** Not organized (skipped as unsupported, failure queue), but its bytes are still in the source. */
  | 'kept-in-source'
  /** Overwritten by a later upload of the same key before it was copied; that later version's bytes are in S3. */
  | 'superseded'
  /** Deleted by the user (the soak) before it was copied, and the key is gone from the source. */
  | 'deleted-by-user'
  | 'lost';

export interface LibraryCopy {
  readonly key: string;
  readonly md5: string;
  readonly sourceKey: string | undefined;
  /** The `source-etag` metadata: for a single-part upload (all of the soak's), the md5 of the bytes copied. */
  readonly sourceEtag?: string | undefined;
}

/** A copy's key, marked when its bytes are not the ones its `source-etag` names (a copy that raced a re-upload). */
function describeCopy(copy: LibraryCopy): string {
  const etag = copy.sourceEtag?.replace(/"/g, '');
  return etag && !etag.includes('-') && etag !== copy.md5 ? `${copy.key} (bytes ${copy.md5}, source-etag says ${etag})` : copy.key;
}

export interface ByteVerdict {
  readonly fates: ReadonlyMap<LedgerVersion, VersionFate>;
  readonly counts: Readonly<Record<VersionFate, number>>;
  readonly lost: readonly LedgerVersion[];
  /** Versions with more than one copy in the library (same source key, same bytes). */
  readonly duplicated: readonly string[];
  /**
   * Of those, the ones where a copy holds other bytes than its `source-etag` names: a copy that read
   * its source while a re-upload rewrote it. S3 copies one version atomically, so when every copy
   * request carried `x-amz-copy-source-if-match` this is the store's doing, not the function's.
   */
  readonly duplicatedByCopySourceRace: readonly string[];
  /** Library copies that match no version ever uploaded under the key their metadata names. */
  readonly mismatched: readonly string[];
  /** Of those, copies holding other bytes than their `source-etag` names (see `duplicatedByCopySourceRace`). */
  readonly mismatchedByCopySourceRace: readonly string[];
  /** Move mode: versions copied to the library whose source is still there (the move did not finish). */
  readonly copiedNotMoved: number;
}

/**
 * @param sourceNow the md5 of each key in the source bucket at the end
 * @param library every photo copy in the library (sidecars excluded)
 */
export function judgeByBytes(ledger: Ledger, sourceNow: ReadonlyMap<string, string>, library: readonly LibraryCopy[], move: boolean): ByteVerdict {
  const copies = new Map<string, LibraryCopy[]>();
  for (const copy of library) {
    const id = `${copy.sourceKey ?? ''}\0${copy.md5}`;
    copies.set(id, [...(copies.get(id) ?? []), copy]);
  }
  const known = new Set(ledger.versions.map((version) => `${version.key}\0${version.md5}`));
  const unknown = library.filter((copy) => !known.has(`${copy.sourceKey ?? ''}\0${copy.md5}`));
  const describeUnknown = (copy: LibraryCopy) => `${describeCopy(copy)} (names source ${String(copy.sourceKey)})`;
  const mismatched = unknown.filter((copy) => describeCopy(copy) === copy.key).map(describeUnknown);
  const mismatchedByCopySourceRace = unknown.filter((copy) => describeCopy(copy) !== copy.key).map(describeUnknown);
  const inLibrary = (version: LedgerVersion) => copies.get(`${version.key}\0${version.md5}`) ?? [];
  const inSource = (version: LedgerVersion) => sourceNow.get(version.key) === version.md5;
  const present = (version: LedgerVersion) => inLibrary(version).length > 0 || inSource(version);

  const fates = new Map<LedgerVersion, VersionFate>();
  const duplicated: string[] = [];
  const duplicatedByCopySourceRace: string[] = [];
  let copiedNotMoved = 0;
  for (const version of ledger.versions) {
    const here = inLibrary(version);
    if (here.length > 1) {
      const line = `${version.key} #${version.sequence} -> ${here.map(describeCopy).join(', ')}`;
      (here.some((copy) => describeCopy(copy) !== copy.key) ? duplicatedByCopySourceRace : duplicated).push(line);
    }
    if (here.length > 0) {
      fates.set(version, here[0]!.key.startsWith('undated/') ? 'in-library-undated' : 'in-library');
      if (move && inSource(version)) copiedNotMoved++;
      continue;
    }
    if (inSource(version)) {
      fates.set(version, 'kept-in-source');
      continue;
    }
    // Gone from both. Acceptable only for a reason the buckets confirm.
    const later = ledger.versions.filter((other) => other.key === version.key && other.sequence > version.sequence);
    if (later.some(present)) {
      fates.set(version, 'superseded');
      continue;
    }
    // After the upload was sent: its event can reach the function (and fire the delete) before PutObject answers here.
    const deletedAfter = ledger.deletes.some((item) => item.key === version.key && item.completedAt >= version.startedAt);
    if (deletedAfter && !sourceNow.has(version.key)) {
      fates.set(version, 'deleted-by-user');
      continue;
    }
    fates.set(version, 'lost');
  }
  const counts: Record<VersionFate, number> = { 'in-library': 0, 'in-library-undated': 0, 'kept-in-source': 0, superseded: 0, 'deleted-by-user': 0, lost: 0 };
  for (const fate of fates.values()) counts[fate]++;
  return {
    fates,
    counts,
    lost: ledger.versions.filter((version) => fates.get(version) === 'lost'),
    duplicated,
    duplicatedByCopySourceRace,
    mismatched,
    mismatchedByCopySourceRace,
    copiedNotMoved,
  };
}
