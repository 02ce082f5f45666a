import type { ObjectChecksum, PinnedObject } from './object-reference.js';

export type { ObjectChecksum };

/** What a HEAD of an existing target says about it. */
export interface ExistingObject {
  /** Bytes. */
  readonly size: number | undefined;
  readonly eTag: string | undefined;
  readonly userMetadata?: Readonly<Record<string, string>> | undefined;
  /** Its stored checksum, when the store returned one. */
  readonly checksum?: ObjectChecksum | undefined;
}

/**
 * Whether two checksums can be compared: same algorithm, both of the whole object. A composite
 * checksum depends on how an object was cut into parts, so it says nothing about a copy cut
 * differently.
 *
 * @example
 * comparableChecksums({ algorithm: 'CRC64NVME', type: 'FULL_OBJECT', value: 'a' }, { algorithm: 'CRC64NVME', type: 'FULL_OBJECT', value: 'b' }); // true
 */
export function comparableChecksums(a: ObjectChecksum | undefined, b: ObjectChecksum | undefined): a is ObjectChecksum {
  return !!a && !!b && a.algorithm === b.algorithm && a.type === 'FULL_OBJECT' && b.type === 'FULL_OBJECT';
}

/**
 * Whether an object already at the target holds the source's bytes. When both have comparable
 * checksums, the checksums decide (with the size). Otherwise (a store that gives none): same size,
 * and its ETag is the source's or it records the source's ETag (`source-etag`, written on every
 * copy: a multipart copy gets a different ETag). Repeated events and re-runs are recognised this
 * way and copy nothing.
 *
 * @example
 * isSameContent({ size: 10, eTag: '"x"', userMetadata: { 'source-etag': 'abc' } }, { size: 10, eTag: '"abc"' }); // true
 */
export function isSameContent(
  target: ExistingObject,
  source: Pick<PinnedObject, 'size' | 'eTag'> & { readonly checksum?: ObjectChecksum | undefined },
): boolean {
  if ((target.size ?? -1) !== source.size) return false;
  if (comparableChecksums(target.checksum, source.checksum)) return target.checksum.value === source.checksum!.value;
  const sourceTag = unquote(source.eTag);
  return (target.eTag !== undefined && unquote(target.eTag) === sourceTag) || target.userMetadata?.['source-etag'] === sourceTag;
}

function unquote(eTag: string): string {
  return eTag.replace(/"/g, '');
}
