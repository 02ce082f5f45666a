import type { PinnedObject } from './object-reference.js';

/** What a HEAD of an existing target says about it. */
export interface ExistingObject {
  /** Bytes. */
  readonly size: number | undefined;
  readonly eTag: string | undefined;
  readonly userMetadata?: Readonly<Record<string, string>> | undefined;
}

/**
 * Whether an object already at the target holds the source's bytes: same size, and its ETag is the
 * source's or it records the source's ETag (`source-etag`, written on every copy: a multipart copy
 * gets a different ETag). Repeated events and re-runs are recognised this way and copy nothing.
 *
 * @example
 * isSameContent({ size: 10, eTag: '"x"', userMetadata: { 'source-etag': 'abc' } }, { bucket: 'b', key: 'k', size: 10, eTag: '"abc"' }); // true
 */
export function isSameContent(target: ExistingObject, source: Pick<PinnedObject, 'size' | 'eTag'>): boolean {
  if ((target.size ?? -1) !== source.size) return false;
  const sourceTag = unquote(source.eTag);
  return (target.eTag !== undefined && unquote(target.eTag) === sourceTag) || target.userMetadata?.['source-etag'] === sourceTag;
}

function unquote(eTag: string): string {
  return eTag.replace(/"/g, '');
}
