import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import {
  ExiftoolAbortError,
  ExiftoolFailedError,
  ExiftoolMemoryLimitError,
  ExiftoolNotFoundError,
  ExiftoolOutputError,
  ExiftoolTimeoutError,
  SourceReadError,
} from './errors.js';
import { vmRssBytes, watchMemory } from './memory-watch.js';
import type { NormalizedOptions } from './options.js';
import { PROTOCOL_VERSION, ServerMessageParser, frame, type ServerMessage } from './protocol.js';
import { parseServerResult } from './result.js';
import type { MetadataResult, RandomAccessSource } from './types.js';

const STDERR_LIMIT = 8192;

/** Why a request's controller was aborted by us (not by the caller). */
export class DeadlineReason {
  constructor(readonly timeoutMs: number) {}
}

interface ExitInfo {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly cause: unknown;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Maps an aborted controller to the error the caller sees. */
export function abortError(signal: AbortSignal, stderr: string): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof DeadlineReason) return new ExiftoolTimeoutError(reason.timeoutMs, stderr);
  return new ExiftoolAbortError({ cause: reason });
}

/** One perl process running exiftool-server.pl; serves one request at a time. */
export class ServerConnection {
  readonly exited: Promise<ExitInfo>;
  #exitInfo: ExitInfo | undefined;
  #killed = false;
  #child: { ref(): void; unref(): void } | undefined;
  #stderr = '';
  #parser = new ServerMessageParser();
  #onMessage: ((message: ServerMessage) => void) | undefined;
  #onExit: ((info: ExitInfo) => void) | undefined;
  readonly #subprocess;
  readonly #channel: Socket;
  readonly #options: NormalizedOptions;

  private constructor(options: NormalizedOptions) {
    this.#options = options;
    // Fixed arguments only (validated module names); requests travel over fd 3, a socket pair.
    this.#subprocess = execa(options.perlPath, ['-I', options.exiftoolLibDir, options.serverScriptPath, ...options.preloadModules], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      buffer: false,
      reject: false,
      // Exactly this environment, not merged into ours: no AWS credentials for a parser of untrusted files.
      env: options.environment,
      extendEnv: false,
      forceKillAfterDelay: options.killGraceMs,
    });
    this.#channel = this.#subprocess.stdio[3] as unknown as Socket;
    // execa's subprocess has no ref/unref; the Node ChildProcess underneath does (execa 10 hands
    // it out as a promise at run time although its types say ChildProcess).
    void Promise.resolve(this.#subprocess.nodeChildProcess as unknown as { ref(): void; unref(): void }).then(
      (child) => (this.#child = child),
      () => {},
    );
    // The socket errors with EPIPE/ECONNRESET when perl dies: the exit handler reports it.
    this.#channel.on('error', () => {});
    this.#channel.on('data', (chunk: Buffer) => {
      let messages: ServerMessage[];
      try {
        messages = this.#parser.push(chunk);
      } catch (error) {
        this.#stderr += `\n[protocol] ${String(error)}`;
        this.kill();
        return;
      }
      for (const message of messages) this.#onMessage?.(message);
    });
    const collect = (chunk: Buffer): void => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_LIMIT);
    };
    (this.#subprocess.stdout as Readable).on('data', collect);
    (this.#subprocess.stderr as Readable).on('data', collect);
    this.exited = this.#subprocess.then((result) => {
      const info: ExitInfo = {
        exitCode: result.exitCode,
        signal: result.signal,
        cause: 'cause' in result ? result.cause : undefined,
      };
      this.#exitInfo = info;
      this.#onExit?.(info);
      return info;
    });
  }

  get pid(): number | undefined {
    return this.#subprocess.pid;
  }

  get isAlive(): boolean {
    return this.#exitInfo === undefined && !this.#killed && !this.#channel.destroyed;
  }

  /** Spawns the server and waits for READY. */
  static async start(options: NormalizedOptions, signal: AbortSignal): Promise<ServerConnection> {
    const connection = new ServerConnection(options);
    try {
      await connection.#waitForReady(signal);
    } catch (error) {
      connection.kill();
      throw error;
    }
    return connection;
  }

  #waitForReady(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (action: () => void): void => {
        this.#onMessage = undefined;
        this.#onExit = undefined;
        signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = (): void => settle(() => reject(abortError(signal, this.#stderr)));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#onMessage = (message) => {
        if (message.type !== 'READY') return;
        if (message.protocol === PROTOCOL_VERSION) settle(resolve);
        else settle(() => reject(new ExiftoolOutputError(`exiftool server speaks protocol ${message.protocol}, expected ${PROTOCOL_VERSION}`, this.#stderr)));
      };
      this.#onExit = (info) => settle(() => reject(this.#startError(info)));
    });
  }

  #startError(info: ExitInfo): Error {
    const { perlPath } = this.#options;
    const code = errorCode(info.cause);
    if (code === 'ENOENT' || code === 'EACCES') {
      return new ExiftoolNotFoundError(`cannot run perl at ${perlPath} (${code})`, perlPath, this.#stderr, { cause: info.cause });
    }
    if (/Can't locate Image\/ExifTool\.pm|Can't open perl script/.test(this.#stderr)) {
      return new ExiftoolNotFoundError(
        `perl could not load exiftool from ${this.#options.exiftoolLibDir} or the server script ${this.#options.serverScriptPath}`,
        perlPath,
        this.#stderr,
      );
    }
    return new ExiftoolFailedError('exiftool server exited before it was ready', info.exitCode, info.signal, this.#stderr);
  }

  /** Runs one request. Resolves with the result; rejects with a typed error. Kills the process on abort. */
  request(id: number, payload: string, source: RandomAccessSource, signal: AbortSignal): Promise<MetadataResult> {
    // A warm process's earlier output must never show up in this request's errors.
    this.#stderr = '';
    return new Promise((resolve, reject) => {
      const readControl = new AbortController();
      let readError: SourceReadError | undefined;
      let memoryError: ExiftoolMemoryLimitError | undefined;
      let stopMemoryWatch = (): void => {};
      const settle = (action: () => void): void => {
        this.#onMessage = undefined;
        this.#onExit = undefined;
        stopMemoryWatch();
        signal.removeEventListener('abort', onAbort);
        readControl.abort();
        action();
      };
      const onAbort = (): void => {
        if (memoryError) return; // already killed for its memory: that is the error, once it has exited
        this.kill();
        settle(() => reject(abortError(signal, this.#stderr)));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#onExit = (info) =>
        settle(() =>
          reject(
            memoryError ??
              new ExiftoolFailedError(
                `exiftool server died during a request (exit code ${info.exitCode}, signal ${info.signal})`,
                info.exitCode,
                info.signal,
                this.#stderr,
                { cause: info.cause },
              ),
          ),
        );
      // The hard memory ceiling: checked while the request runs, because perl cannot be trusted to
      // stop itself (ExifTool inflates a zTXt chunk wholly, in one call). Killed with SIGKILL (no
      // grace: it would keep growing), and the request settles once it has exited, so its memory
      // is back before the caller goes on.
      const { memoryLimitBytes, memoryCheckIntervalMs } = this.#options;
      if (this.pid !== undefined) {
        stopMemoryWatch = watchMemory(this.pid, memoryLimitBytes, memoryCheckIntervalMs, (rssBytes) => {
          if (this.#exitInfo !== undefined) return; // exited meanwhile: its exit handler reports it
          memoryError = new ExiftoolMemoryLimitError(rssBytes, memoryLimitBytes, this.#stderr);
          this.#onMessage = undefined; // a result that raced the kill is not taken
          this.kill('SIGKILL');
        });
      }
      this.#onMessage = (message) => {
        // A message of another request is stale (cannot happen with one process per request
        // stream, but the id check makes mixing impossible rather than unlikely).
        if (message.type === 'READY' || message.id !== id) return;
        if (message.type === 'G') {
          this.#serveRead(id, message.offset, message.length, source, readControl.signal).catch((error: unknown) => {
            readError ??= new SourceReadError(
              `reading ${message.length} bytes at ${message.offset} failed: ${String(error)}`,
              message.offset,
              message.length,
              { cause: error },
            );
            this.#send(frame('E', id, 'read failed'));
          });
          return;
        }
        let result: MetadataResult;
        try {
          result = parseServerResult(message.payload.toString('utf8'), id);
        } catch (error) {
          this.kill();
          settle(() => reject(error));
          return;
        }
        settle(() => (readError ? reject(readError) : resolve(result)));
      };
      if (!this.isAlive) {
        this.#onExit(this.#exitInfo ?? { exitCode: undefined, signal: undefined, cause: undefined });
        return;
      }
      this.#send(frame('R', id, payload));
    });
  }

  async #serveRead(id: number, offset: number, length: number, source: RandomAccessSource, signal: AbortSignal): Promise<void> {
    const bytes = await source.read(offset, length, { signal });
    if (signal.aborted) return;
    this.#send(frame('D', id, bytes.length > length ? bytes.subarray(0, length) : bytes));
  }

  #send(data: Buffer): void {
    if (!this.#channel.destroyed) this.#channel.write(data);
  }

  /** Resident set size of the perl process in bytes (`VmRSS`), or `undefined` where /proc cannot tell. */
  async rssBytes(): Promise<number | undefined> {
    if (this.pid === undefined) return undefined;
    try {
      return vmRssBytes(await readFile(`/proc/${this.pid}/status`, 'utf8'));
    } catch {
      return undefined; // not Linux, or the process is gone
    }
  }

  /** Keeps (or stops keeping) the Node event loop alive for this idle process. */
  setReferenced(referenced: boolean): void {
    const handles = [this.#child, this.#channel, this.#subprocess.stdout, this.#subprocess.stderr] as unknown as Array<{
      ref?: () => void;
      unref?: () => void;
    } | null>;
    for (const handle of handles) {
      if (referenced) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /** SIGTERM now, SIGKILL after killGraceMs (execa's forceKillAfterDelay); or `SIGKILL` at once. */
  kill(signal?: 'SIGKILL'): void {
    // Never reused once killed, even before its exit is seen: a new request gets a fresh process.
    this.#killed = true;
    if (this.#exitInfo === undefined) this.#subprocess.kill(signal);
  }

  /** Closes fd 3 (the server exits on end-of-file); kills it if it has not exited after the grace. */
  async close(): Promise<void> {
    if (this.#exitInfo !== undefined) return;
    this.setReferenced(true);
    this.#channel.end();
    const timer = setTimeout(() => this.kill(), this.#options.killGraceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
