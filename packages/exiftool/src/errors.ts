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
