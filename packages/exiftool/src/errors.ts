/**
 * Base class of every error exiftool itself causes (besides `TypeError` for bad options, and
 * {@link SourceReadError} when the caller's source fails).
 *
 * @example
 * ```ts
 * try {
 *   await exiftool.readMetadata(source);
 * } catch (error) {
 *   if (error instanceof ExiftoolTimeoutError) console.log(error.timeoutMs, error.stderr);
 *   else if (error instanceof ExiftoolError) throw error; // not found, failed, unreadable output, source failure
 * }
 * ```
 */
export class ExiftoolError extends Error {
  override name = 'ExiftoolError';
}

/** perl, the exiftool library or a script could not be started or loaded. */
export class ExiftoolNotFoundError extends ExiftoolError {
  override name = 'ExiftoolNotFoundError';
  constructor(
    message: string,
    readonly perlPath: string,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A request ran longer than `timeoutMs`: its process was killed (then force-killed). */
export class ExiftoolTimeoutError extends ExiftoolError {
  override name = 'ExiftoolTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(`exiftool did not finish within ${timeoutMs} ms; its process was killed`, options);
  }
}

/**
 * perl's resident set size passed `memoryLimitBytes` while a request ran (a decompression bomb:
 * ExifTool inflates a PNG zTXt chunk, for one, wholly into memory): the process was killed with
 * SIGKILL at once, and the next request starts a fresh one. `rssBytes` is the size observed
 * (`VmRSS` of `/proc/<pid>/status`, Linux only).
 *
 * @example
 * ```ts
 * try {
 *   await exiftool.readMetadata(source);
 * } catch (error) {
 *   if (error instanceof ExiftoolMemoryLimitError) console.log(error.rssBytes, error.limitBytes); // 645922816 644245094
 * }
 * ```
 */
export class ExiftoolMemoryLimitError extends ExiftoolError {
  override name = 'ExiftoolMemoryLimitError';
  constructor(
    /** perl's resident size when the check saw it over the limit, bytes. */
    readonly rssBytes: number,
    /** The limit it passed (`memoryLimitBytes`), bytes. */
    readonly limitBytes: number,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(`exiftool used ${Math.round(rssBytes / 1048576)} MiB, over its limit of ${Math.round(limitBytes / 1048576)} MiB; its process was killed`, options);
  }
}

/** The caller's `signal` aborted the request; its process was killed. `cause` is the signal's reason. */
export class ExiftoolAbortError extends ExiftoolError {
  override name = 'ExiftoolAbortError';
  constructor(options?: ErrorOptions) {
    super('exiftool request aborted', options);
  }
}

/** exiftool exited or crashed without an answer. */
export class ExiftoolFailedError extends ExiftoolError {
  override name = 'ExiftoolFailedError';
  constructor(
    message: string,
    readonly exitCode: number | undefined,
    readonly signal: string | undefined,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** exiftool answered, but not with the JSON expected. `output` is the start of what it printed. */
export class ExiftoolOutputError extends ExiftoolError {
  override name = 'ExiftoolOutputError';
  constructor(
    message: string,
    readonly output: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The source (range reader, file) failed to deliver bytes; `cause` is the source's own error.
 * Not an {@link ExiftoolError}: exiftool did nothing wrong, so a caller that files a photo without
 * metadata when exiftool fails must not do so when the bytes could not be read.
 */
export class SourceReadError extends Error {
  override name = 'SourceReadError';
  constructor(
    message: string,
    readonly offset: number | undefined,
    readonly length: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
