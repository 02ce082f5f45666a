import { ExiftoolError, SourceReadError } from './errors.js';
import { normalizeBoolean, normalizeOptions, normalizeTags, type ExiftoolOptions, type NormalizedOptions } from './options.js';
import { fileExtension, requestPayload } from './protocol.js';
import { DeadlineReason, ServerConnection, abortError } from './server-connection.js';
import type { MetadataResult, RandomAccessSource, RequestOptions } from './types.js';

/**
 * A warm exiftool: one long-lived perl process (per Lambda container) that reads objects through
 * a {@link RandomAccessSource}, so exiftool fetches only the byte ranges it needs. Requests run one
 * after another. A crash, timeout or abort kills the process; the next request starts a fresh one.
 *
 * @example
 * ```ts
 * import { ExiftoolProcess, fileSource } from '@photo-organizer/exiftool';
 * const exiftool = new ExiftoolProcess({ exiftoolLibDir: '/opt/lib/perl5', perlPath: '/opt/bin/perl', tags: ['DateTimeOriginal', 'Model'] });
 * const result = await exiftool.readMetadata(fileSource('photo.jpg'));
 * console.log(result.tags['ExifIFD:DateTimeOriginal']); // '2019:05:26 10:33:20'
 * await exiftool.close();
 * ```
 */
export class ExiftoolProcess {
  readonly #options: NormalizedOptions;
  #connection: ServerConnection | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #closed = false;
  #restarts = 0;

  constructor(options: ExiftoolOptions) {
    this.#options = normalizeOptions(options);
  }

  /** The pid of the warm perl process, if one is running (for monitoring and tests). */
  get pid(): number | undefined {
    return this.#connection?.isAlive ? this.#connection.pid : undefined;
  }

  /**
   * Starts perl now and resolves once it is ready (modules of `preloadModules` loaded), so the
   * first {@link readMetadata} does not wait for it. Call it as early as possible, e.g. at the top of
   * a Lambda handler module before the AWS SDK is imported: perl starts in parallel with the rest
   * of the init. Requests queued meanwhile wait for it. A no-op when the process is already running.
   *
   * @throws {ExiftoolNotFoundError} perl or exiftool cannot be run; {@link ExiftoolFailedError}
   * perl exited before it was ready; {@link ExiftoolTimeoutError} not ready within `timeoutMs`.
   * A failed start leaves nothing behind: the next request tries a fresh process.
   * @example
   * ```ts
   * const exiftool = new ExiftoolProcess({ exiftoolLibDir: '/opt/lib/perl5', perlPath: '/opt/bin/perl' });
   * const ready = exiftool.start(); // perl loads while the handler's imports run
   * ready.catch(() => {});          // the first request reports the error again if it persists
   * ```
   */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new ExiftoolError('ExiftoolProcess is closed'));
    const run = this.#queue.then(() => this.#ensureStarted());
    this.#queue = run.catch(() => {});
    return run;
  }

  async #ensureStarted(): Promise<void> {
    if (this.#connection?.isAlive) return;
    const control = new AbortController();
    const { timeoutMs } = this.#options;
    const timer = setTimeout(() => control.abort(new DeadlineReason(timeoutMs)), timeoutMs);
    try {
      const connection = await ServerConnection.start(this.#options, control.signal);
      connection.setReferenced(false); // an idle warm process must not keep Node alive
      this.#connection = connection;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The normalized options in use. */
  get options(): NormalizedOptions {
    return this.#options;
  }

  /**
   * Reads the metadata of one object through `source` (random access). Waits for earlier
   * requests of this instance to finish first.
   *
   * @throws {ExiftoolTimeoutError} after `timeoutMs`; {@link ExiftoolAbortError} on `signal`;
   * {@link ExiftoolFailedError}, {@link ExiftoolNotFoundError}, {@link ExiftoolOutputError},
   * {@link SourceReadError}.
   */
  readMetadata(source: RandomAccessSource, requestOptions: RequestOptions = {}): Promise<MetadataResult> {
    if (this.#closed) return Promise.reject(new ExiftoolError('ExiftoolProcess is closed'));
    if (typeof source?.read !== 'function' || typeof source.size !== 'function') {
      return Promise.reject(new TypeError('source must have read(offset, length) and size() methods'));
    }
    const tags = normalizeTags('tags', requestOptions.tags, this.#options.tags);
    const allTags = normalizeBoolean('allTags', requestOptions.allTags, this.#options.allTags);
    const extension = fileExtension(requestOptions.fileName ?? source.fileName);
    const payload = (size: number): string => requestPayload(size, this.#options.readBlockSize, extension, tags, allTags);
    const run = this.#queue.then(() => this.#run(source, payload, requestOptions.signal));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #run(source: RandomAccessSource, payload: (size: number) => string, callerSignal?: AbortSignal): Promise<MetadataResult> {
    const control = new AbortController();
    const { timeoutMs } = this.#options;
    const timer = setTimeout(() => control.abort(new DeadlineReason(timeoutMs)), timeoutMs);
    const forward = (): void => control.abort(callerSignal?.reason);
    if (callerSignal?.aborted) forward();
    callerSignal?.addEventListener('abort', forward, { once: true });
    try {
      const size = await this.#size(source, control.signal);
      if (!this.#connection?.isAlive) {
        this.#connection = await ServerConnection.start(this.#options, control.signal);
      }
      const connection = this.#connection;
      connection.setReferenced(true);
      try {
        return await connection.request(this.#nextId++, payload(size), source, control.signal);
      } finally {
        if (connection.isAlive) {
          await this.#restartIfLarge(connection);
          connection.setReferenced(false);
        } else if (this.#connection === connection) this.#connection = undefined;
      }
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forward);
    }
  }

  /**
   * ExifTool never unloads a module, so RSS only grows (one set per format seen): past
   * `maxRssBytes` the process is ended after its request and the next one starts fresh.
   */
  async #restartIfLarge(connection: ServerConnection): Promise<void> {
    const rss = await connection.rssBytes();
    if (rss === undefined || rss <= this.#options.maxRssBytes) return;
    if (this.#connection === connection) this.#connection = undefined;
    this.#restarts += 1;
    void connection.close();
  }

  /** How many times the warm process was ended because it passed `maxRssBytes` (the next request starts a fresh one). */
  get restarts(): number {
    return this.#restarts;
  }

  async #size(source: RandomAccessSource, signal: AbortSignal): Promise<number> {
    if (signal.aborted) throw abortError(signal, '');
    let size: number;
    try {
      size = await Promise.race([
        source.size(),
        new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(abortError(signal, '')), { once: true })),
      ]);
    } catch (error) {
      if (error instanceof ExiftoolError) throw error;
      throw new SourceReadError(`reading the object size failed: ${String(error)}`, undefined, undefined, { cause: error });
    }
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new SourceReadError(`source.size() returned ${String(size)}, not a byte count`, undefined, undefined);
    }
    return size;
  }

  /** Waits for running requests, then stops the process (end of input, then SIGTERM/SIGKILL). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close();
  }
}
