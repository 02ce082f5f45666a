/**
 * What exiftool found in a file, as the core needs it. The exiftool driver's `MetadataResult` has
 * this shape; the core names its own so it depends on no driver.
 * @example
 * const metadata: ExtractedMetadata = { tags: { 'ExifIFD:DateTimeOriginal': '2019:05:26 10:33:20' }, warnings: [], fileType: 'JPEG' };
 */
export interface ExtractedMetadata {
  /** Tags keyed `Group1:Name` (`ExifIFD:DateTimeOriginal`), values as `exiftool -json` prints them. */
  readonly tags: Readonly<Record<string, unknown>>;
  readonly warnings: readonly string[];
  /** exiftool's FileType (`JPEG`, `MP4`), when it recognised the file. */
  readonly fileType?: string | undefined;
  /** exiftool's per-file error (`Unknown file type`): a result, not a failure. */
  readonly error?: string | undefined;
}

/** No tags: an empty object, or a file whose metadata could not be read. */
export const NO_METADATA: ExtractedMetadata = Object.freeze({ tags: Object.freeze({}), warnings: Object.freeze([]) });

/**
 * The first text value of a tag in any group (`Make` matches `IFD0:Make`), trimmed; undefined when
 * absent or empty.
 *
 * @example
 * textTag({ 'IFD0:Make': 'Apple ' }, 'Make'); // 'Apple'
 */
export function textTag(tags: ExtractedMetadata['tags'], name: string): string | undefined {
  for (const [key, value] of Object.entries(tags)) {
    if ((key === name || key.endsWith(`:${name}`)) && (typeof value === 'string' || typeof value === 'number')) {
      const text = String(value).trim();
      if (text) return text;
    }
  }
  return undefined;
}
