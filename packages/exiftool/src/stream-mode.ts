import type { Writable } from 'node:stream';
import { execa } from 'execa';
import { ExiftoolAbortError, ExiftoolFailedError, ExiftoolMemoryLimitError, ExiftoolNotFoundError, ExiftoolTimeoutError, SourceReadError } from './errors.js';
import { watchMemory } from './memory-watch.js';
import { normalizeOptions, type ExiftoolOptions } from './options.js';
import { parseCliResult } from './result.js';
import type { MetadataResult } from './types.js';

/** Options of {@link readMetadataFromStream}. */
export interface StreamOptions extends ExiftoolOptions {
  /** Aborts: kills exiftool and stops the chunk iterator. */
  readonly signal?: AbortSignal;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** What a wait answers when exiftool exited first. */
const EXITED = Symbol('exited');

/**
 * Waits for promises or exiftool's exit, whichever comes first, without leaving anything on the
 * exit promise. `Promise.race([work, exited.then(...)])` per chunk would register one reaction on
 * `exited` per chunk, each holding a race promise resolved with that chunk, so every chunk stayed
 * reachable until exiftool exited (measured: a 512 MiB moov-at-end MP4 peaked at 616 MiB). Here
 * `exited` gets one callback for the whole run, which wakes the single wait in progress.
 */
class ExitRace {
  #exited = false;
  #wake: (() => void) | undefined;

  constructor(exited: Promise<unknown>) {
    void exited.then(() => {
      this.#exited = true;
      this.#wake?.();
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** `work`'s value, or {@link EXITED} if exiftool exits first; rejects when `work` does. */
  wait<T>(work: Promise<T>): Promise<T | typeof EXITED> {
    if (this.#exited) return Promise.resolve(EXITED);
    return new Promise<T | typeof EXITED>((resolve, reject) => {
      this.#wake = () => resolve(EXITED);
      work.then(resolve, reject);
    }).finally(() => {
      this.#wake = undefined;
    });
  }
}

/** Writes one chunk; resolves false when exiftool is gone (EPIPE, destroyed stdin, exit). */
function writeChunk(stdin: Writable, chunk: Uint8Array, race: ExitRace): Promise<boolean | typeof EXITED> {
  // A write loop hangs once stdin is destroyed (no drain, no callback): check first, and race exit.
  if (stdin.destroyed || !stdin.writable) return Promise.resolve(false);
  return race.wait(new Promise<boolean>((resolve) => stdin.write(chunk, (error) => resolve(!error))));
}

/**
 * Stream mode (the exiftool-aws-lambda design): pipes `chunks` into a fresh
 * `exiftool -fast -json -G1 -a <tags> -`. When exiftool has what it needs it exits; the write side
 * then sees EPIPE, which is the normal end: the chunk iterator is stopped at once (`return()`), so
 * no further range requests start. Costs a process start (~140 ms) per object; prefer
 * {@link ExiftoolProcess} (random access, warm) where a {@link RandomAccessSource} exists.
 *
 * @example
 * ```ts
 * const reader = createRangeReader({ client, bucket, key });
 * const result = await readMetadataFromStream(reader.chunks(), { exiftoolLibDir: '/opt/lib/perl5', exiftoolScriptPath: '/opt/bin/exiftool', tags: ['DateTimeOriginal'] });
 * ```
 */
export async function readMetadataFromStream(chunks: AsyncIterable<Uint8Array>, options: StreamOptions): Promise<MetadataResult> {
  const normalized = normalizeOptions(options);
  const { signal } = options;
  if (signal?.aborted) throw new ExiftoolAbortError({ cause: signal.reason });
  // Error and Warning are only printed when asked for once tags are named.
  const tagArguments = normalized.allTags ? [] : [...normalized.tags, 'Error', 'Warning'].map((tag) => `-${tag}`);
  const subprocess = execa(
    normalized.perlPath,
    ['-I', normalized.exiftoolLibDir, normalized.exiftoolScriptPath, '-fast', '-json', '-G1', '-a', ...tagArguments, '-'],
    {
      stdin: 'pipe',
      reject: false,
      // Exactly this environment, not merged into ours: no AWS credentials for a parser of untrusted files.
      env: normalized.environment,
      extendEnv: false,
      timeout: normalized.timeoutMs,
      forceKillAfterDelay: normalized.killGraceMs,
      ...(signal ? { cancelSignal: signal } : {}),
      stripFinalNewline: false,
    },
  );
  const stdin = subprocess.stdin;
  // EPIPE / ECONNRESET here mean exiftool stopped reading: expected, handled by writeChunk.
  stdin.on('error', () => {});
  const exited = subprocess.then(() => undefined);
  const race = new ExitRace(exited);
  // The same hard memory ceiling as the warm process (a deflate bomb inflates in one call): SIGKILL.
  let memoryError: ExiftoolMemoryLimitError | undefined;
  const stopMemoryWatch =
    subprocess.pid === undefined
      ? () => {}
      : watchMemory(subprocess.pid, normalized.memoryLimitBytes, normalized.memoryCheckIntervalMs, (rssBytes) => {
          memoryError = new ExiftoolMemoryLimitError(rssBytes, normalized.memoryLimitBytes, '');
          subprocess.kill('SIGKILL');
        });
  void exited.then(stopMemoryWatch);

  const iterator = chunks[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await race.wait(iterator.next());
      if (next === EXITED) break; // exiftool exited while the source was fetching
      if (next.done) {
        finished = true;
        break;
      }
      const written = await writeChunk(stdin, next.value, race);
      if (written !== true) break;
    }
  } catch (error) {
    if (memoryError) {
      // Killed for its memory; the source was merely stopped with it.
      await exited;
      throw memoryError;
    }
    // The source failed (a range request gave up): exiftool cannot finish without its bytes.
    subprocess.kill();
    await exited;
    throw new SourceReadError(`reading the next chunk failed: ${String(error)}`, undefined, undefined, { cause: error });
  } finally {
    // Stop the source now: no more range requests once exiftool has what it needs.
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => {});
    if (!stdin.destroyed) stdin.end();
  }

  const result = await subprocess;
  const stderr = String(result.stderr ?? '');
  if (memoryError) throw new ExiftoolMemoryLimitError(memoryError.rssBytes, memoryError.limitBytes, stderr, { cause: result });
  if (result.timedOut) throw new ExiftoolTimeoutError(normalized.timeoutMs, stderr, { cause: result });
  if (result.isCanceled) throw new ExiftoolAbortError({ cause: signal?.reason });
  const code = errorCode('cause' in result ? result.cause : undefined);
  if (code === 'ENOENT' || code === 'EACCES' || /Can't locate Image\/ExifTool\.pm|Can't open perl script/.test(stderr)) {
    throw new ExiftoolNotFoundError(`cannot run exiftool (${normalized.perlPath} ${normalized.exiftoolScriptPath})`, normalized.perlPath, stderr, {
      cause: result,
    });
  }
  const stdout = String(result.stdout ?? '');
  // exiftool exits 1 when the file has an error (unknown type, empty) but still prints its JSON.
  if ((result.exitCode === 0 || result.exitCode === 1) && stdout.trim().startsWith('[')) return parseCliResult(stdout);
  throw new ExiftoolFailedError(
    `exiftool failed (exit code ${result.exitCode}, signal ${result.signal})`,
    result.exitCode,
    result.signal,
    stderr,
    { cause: result },
  );
}
