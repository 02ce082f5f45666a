/** The public shapes of `startLambdaRuntime()`: its options, results, log lines and statistics. */

/**
 * Credentials given to the function (`AWS_ACCESS_KEY_ID`...), as Lambda passes its execution role's.
 *
 * @example
 * ```ts
 * const credentials: LambdaCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
 * ```
 */
export interface LambdaCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * What `startLambdaRuntime()` runs and how: the bundle, the handler, the function's configuration.
 * Durations are milliseconds, memory megabytes.
 *
 * @example
 * ```ts
 * const options: LambdaRuntimeOptions = { taskRoot: FUNCTION_BUNDLE_DIR, handler: 'index.handler', concurrency: 2, timeoutMs: 60_000 };
 * ```
 */
export interface LambdaRuntimeOptions {
  /** The unpacked bundle (Lambda's `/var/task`); the workers' working directory. */
  readonly taskRoot: string;
  /** `<module>.<export>` relative to `taskRoot`, e.g. `index.handler` for `index.mjs`. */
  readonly handler: string;
  /** The function's configured environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default LOCAL_S3_CREDENTIALS (Lambda always provides credentials) */
  readonly credentials?: LambdaCredentials;
  /** Maximum number of execution environments (worker processes). @default 1 */
  readonly concurrency?: number;
  /** `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`; also sizes V8's heap as Lambda's bootstrap does. @default 128 */
  readonly memorySizeMb?: number;
  /** The function timeout; `invoke(…, { timeoutMs })` overrides it per call. @default 3000 (Lambda's) */
  readonly timeoutMs?: number;
  /** Time a new worker has to reach its first `/next` (Lambda's init phase limit). @default 10000 */
  readonly initTimeoutMs?: number;
  /** @default 'function' */
  readonly functionName?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** The Node binary the workers run. @default process.execPath */
  readonly nodeExecutable?: string;
  /** How many lines `runtime.logs` keeps (the oldest are dropped). @default 10000 */
  readonly maxLogLines?: number;
}

/**
 * Per-invocation options of `invoke()` / `invokePayload()`.
 *
 * @example
 * ```ts
 * await runtime.invoke(event, { timeoutMs: 1000, requestId: previous.requestId });
 * ```
 */
export interface LambdaInvokeOptions {
  /** @default the runtime's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Reuse a request id (Lambda keeps one id across the retries of an asynchronous invocation). */
  readonly requestId?: string;
  /** JSON text for `context.clientContext`. */
  readonly clientContext?: string;
}

/**
 * The error document Lambda returns for a failed invocation (the handler's error, or the
 * platform's: `Sandbox.Timedout`, `Runtime.ExitError`, `Runtime.InitTimeout`).
 *
 * @example
 * ```ts
 * if (outcome.error?.errorType === 'Sandbox.Timedout') console.error(outcome.error.errorMessage);
 * ```
 */
export interface LambdaFunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/**
 * How one invocation ended, as Lambda would report it: the response or the error, durations in
 * milliseconds, memory in bytes, the invocation's log lines.
 *
 * @example
 * ```ts
 * const { result, error, durationMs, coldStart, maxRssBytes } = await runtime.invoke(event);
 * ```
 */
export interface LambdaInvocationResult {
  readonly requestId: string;
  /** The handler's return value (parsed JSON); absent when `error` is set. */
  readonly result?: unknown;
  /** The response document exactly as the runtime posted it (JSON text). */
  readonly payload: string;
  readonly error?: LambdaFunctionError;
  /** From delivery to the worker until its response (init excluded; queueing excluded). */
  readonly durationMs: number;
  /** Time the new worker took to reach its first `/next`, on a cold start. */
  readonly initDurationMs?: number;
  readonly coldStart: boolean;
  readonly workerId: number;
  /** Peak RSS of the worker's process tree seen while this invocation ran (sampled). */
  readonly maxRssBytes: number;
  /** Lines the worker printed during this invocation, with Lambda's START/END/REPORT lines. */
  readonly logs: readonly string[];
}

/**
 * One line a worker printed (`stdout`/`stderr`) or the platform wrote (`START`, `END`, `REPORT`,
 * crashes), with the invocation it belongs to when known.
 *
 * @example
 * ```ts
 * runtime.onLog(({ workerId, stream, line }) => console.log(`[${workerId} ${stream}] ${line}`));
 * ```
 */
export interface LambdaLogLine {
  readonly workerId: number;
  readonly stream: 'stdout' | 'stderr' | 'platform';
  readonly line: string;
  readonly requestId?: string;
}

/**
 * Counters since `startLambdaRuntime()`.
 *
 * @example
 * ```ts
 * expect(runtime.stats.coldStarts).toBe(1);
 * ```
 */
export interface LambdaRuntimeStats {
  readonly invocations: number;
  readonly coldStarts: number;
  readonly timeouts: number;
  /** Worker processes that exited on their own (during an invocation or not). */
  readonly crashes: number;
  readonly initErrors: number;
}

/**
 * One execution environment (a worker process), live or dead; `peakRssBytes` in bytes, sampled.
 *
 * @example
 * ```ts
 * const pids = runtime.workers.filter((worker) => worker.state !== 'dead').map((worker) => worker.pid);
 * ```
 */
export interface LambdaWorkerInfo {
  readonly id: number;
  readonly pid: number | undefined;
  readonly state: 'starting' | 'idle' | 'busy' | 'dead';
  readonly invocations: number;
  readonly peakRssBytes: number;
}

/**
 * A running function: invoke it, read its logs and statistics, stop it. `invoke()` resolves with
 * function errors in `error` (as Lambda answers) and rejects only with `LambdaRuntimeStoppedError`
 * or a `TypeError` for a bad argument.
 *
 * @example
 * ```ts
 * const runtime = await startLambdaRuntime({ taskRoot, handler: 'index.handler' });
 * const outcome = await runtime.invoke({ Records: [] });
 * await runtime.stop();
 * ```
 */
export interface LambdaRuntime {
  readonly functionName: string;
  readonly functionArn: string;
  readonly region: string;
  invoke(event: unknown, options?: LambdaInvokeOptions): Promise<LambdaInvocationResult>;
  /** Like `invoke`, with the event already serialised (what the Invoke API receives). */
  invokePayload(payload: string, options?: LambdaInvokeOptions): Promise<LambdaInvocationResult>;
  /** Every line so far (up to `maxLogLines`), oldest first. */
  readonly logs: readonly LambdaLogLine[];
  /** Calls `listener` with each new line; returns unsubscribe. */
  onLog(listener: (line: LambdaLogLine) => void): () => void;
  readonly stats: LambdaRuntimeStats;
  /** Every worker created so far, dead ones included. */
  readonly workers: readonly LambdaWorkerInfo[];
  /**
   * The highest RSS of any worker's whole process tree (the worker and its descendants, e.g. perl),
   * sampled every ~50 ms from /proc. Sums VmRSS, so shared pages count once per process.
   */
  peakRssBytes(): number;
  /** Kills every worker's process tree, fails queued invocations, closes the Runtime API. */
  stop(): Promise<void>;
}
