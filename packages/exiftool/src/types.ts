/**
 * Anything that can read byte ranges of one object: the S3 range reader, {@link fileSource}.
 * Reads past the end return fewer bytes (or none). Sources should cache aligned blocks: exiftool
 * makes many small reads, and each arrives here as one `read`.
 */
export interface RandomAccessSource {
  read(offset: number, length: number, options?: { readonly signal?: AbortSignal }): Promise<Uint8Array>;
  size(): Promise<number>;
  /** The object's file name, if known: its extension refines the type, as for the CLI on a file. */
  readonly fileName?: string;
}

/** One value as `exiftool -json` prints it: numbers unquoted, lists as arrays. */
export type TagValue = string | number | boolean | readonly TagValue[] | { readonly [key: string]: TagValue };

/** What exiftool found in one object. */
export interface MetadataResult {
  /**
   * Tags keyed `Group1:Name` like `exiftool -G1 -a` (e.g. `ExifIFD:DateTimeOriginal`,
   * `QuickTime:CreateDate`, `Keys:CreationDate`), dates as raw exiftool strings
   * (`YYYY:MM:DD HH:MM:SS[.ss][+hh:mm]`).
   */
  readonly tags: Readonly<Record<string, TagValue>>;
  /** exiftool's warnings, in order. */
  readonly warnings: readonly string[];
  /** exiftool's FileType (`JPEG`, `MP4`, ...), when it recognised the file. */
  readonly fileType?: string;
  /** exiftool's error for this file, e.g. `Unknown file type`, `File is empty`: a result, not a throw. */
  readonly error?: string;
}

/** Options of one request. */
export interface RequestOptions {
  /** Aborts the request: the exiftool process serving it is killed. */
  readonly signal?: AbortSignal;
  /** Tags to ask for; overrides the instance's `tags`. */
  readonly tags?: readonly string[];
  /**
   * The object's file name (e.g. the last part of the S3 key); only its extension is sent to
   * exiftool, which uses it to tell DNG from TIFF or MP4 from MOV, as the CLI does on a file.
   * @default source.fileName
   */
  readonly fileName?: string;
  /** Return every tag; overrides the instance's `allTags`. */
  readonly allTags?: boolean;
}
