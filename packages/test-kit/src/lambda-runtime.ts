/**
 * Runs a built Lambda handler the way Lambda's Node.js runtime does, on loopback.
 *
 * Each worker is one execution environment: a Node process running the REAL runtime interface
 * client (`aws-lambda-ric`, the code Lambda's own nodejs images run), pointed at a small
 * implementation of the Lambda Runtime API served here on 127.0.0.1. Workers are created on demand
 * (the invocation that creates one is a cold start), reused while warm, and killed and replaced
 * after a timeout or a crash, as Lambda does. The Lambda service itself cannot run here; what this
 * does not model: provisioned concurrency, throttling (invocations queue instead of failing with
 * 429), response streaming, extensions, freezing between invocations, the memory limit (the peak
 * RSS is measured, not enforced).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { LOCAL_S3_CREDENTIALS } from './local-s3.js';

const require = createRequire(import.meta.url);

/** Credentials given to the function, as Lambda passes its execution role's. */
export interface LambdaCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

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

export interface LambdaInvokeOptions {
  /** @default the runtime's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Reuse a request id (Lambda keeps one id across the retries of an asynchronous invocation). */
  readonly requestId?: string;
  /** JSON text for `context.clientContext`. */
  readonly clientContext?: string;
}

/** The error document Lambda returns for a failed invocation. */
export interface LambdaFunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

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

export interface LambdaLogLine {
  readonly workerId: number;
  readonly stream: 'stdout' | 'stderr' | 'platform';
  readonly line: string;
  readonly requestId?: string;
}

export interface LambdaRuntimeStats {
  readonly invocations: number;
  readonly coldStarts: number;
  readonly timeouts: number;
  /** Worker processes that exited on their own (during an invocation or not). */
  readonly crashes: number;
  readonly initErrors: number;
}

export interface LambdaWorkerInfo {
  readonly id: number;
  readonly pid: number | undefined;
  readonly state: 'starting' | 'idle' | 'busy' | 'dead';
  readonly invocations: number;
  readonly peakRssBytes: number;
}

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

/**
 * Base class of the errors this helper throws. Function errors (a handler that throws, a timeout,
 * a crash) are not exceptions: `invoke()` resolves with them in `error`, as Lambda answers.
 *
 * @example
 * ```ts
 * try { await runtime.invoke(event); } catch (error) { if (error instanceof LambdaRuntimeError) console.error(error.message); }
 * ```
 */
export class LambdaRuntimeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LambdaRuntimeError';
  }
}

/**
 * `invoke()` after `stop()`, or an invocation still queued or running when `stop()` ran.
 *
 * @example
 * ```ts
 * await runtime.invoke(event).catch((error) => { if (!(error instanceof LambdaRuntimeStoppedError)) throw error; });
 * ```
 */
export class LambdaRuntimeStoppedError extends LambdaRuntimeError {
  readonly requestId: string;
  constructor(requestId: string) {
    super(`the Lambda runtime was stopped before invocation ${requestId} ran`);
    this.name = 'LambdaRuntimeStoppedError';
    this.requestId = requestId;
  }
}

type NormalizedOptions = Required<Omit<LambdaRuntimeOptions, 'credentials'>> & { credentials: LambdaCredentials };

function normalizeOptions(options: LambdaRuntimeOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be an object, got ${String(options)}`);
  const { taskRoot, handler } = options;
  if (typeof taskRoot !== 'string' || !path.isAbsolute(taskRoot)) {
    throw new TypeError(`taskRoot must be an absolute path, got ${JSON.stringify(taskRoot)}`);
  }
  if (typeof handler !== 'string' || !/^[^.]+(\.[^.]+)+$/.test(handler)) {
    throw new TypeError(`handler must look like "index.handler", got ${JSON.stringify(handler)}`);
  }
  const positiveInteger = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
    return value;
  };
  const environment = options.environment ?? {};
  for (const [name, value] of Object.entries(environment)) {
    if (typeof value !== 'string') throw new TypeError(`environment.${name} must be a string, got ${typeof value}`);
  }
  const credentials = options.credentials ?? LOCAL_S3_CREDENTIALS;
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new TypeError('credentials must have accessKeyId and secretAccessKey');
  }
  return {
    taskRoot,
    handler,
    environment,
    credentials,
    concurrency: positiveInteger('concurrency', options.concurrency, 1),
    memorySizeMb: positiveInteger('memorySizeMb', options.memorySizeMb, 128),
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, 3000),
    initTimeoutMs: positiveInteger('initTimeoutMs', options.initTimeoutMs, 10_000),
    functionName: options.functionName ?? 'function',
    region: options.region ?? 'us-east-1',
    nodeExecutable: options.nodeExecutable ?? process.execPath,
    maxLogLines: positiveInteger('maxLogLines', options.maxLogLines, 10_000),
  };
}

const RUNTIME_PREFIX = '/2018-06-01/runtime/';
const SAMPLE_INTERVAL_MS = 50;
const ACCOUNT_ID = '000000000000';
/** Where `aws-lambda-ric`'s entry point lives (its package `main`, also its bin). */
const RIC_ENTRY = require.resolve('aws-lambda-ric');

interface Invocation {
  readonly requestId: string;
  readonly payload: string;
  readonly timeoutMs: number;
  readonly clientContext: string | undefined;
  readonly logs: string[];
  readonly resolve: (result: LambdaInvocationResult) => void;
  readonly reject: (error: Error) => void;
  worker?: Worker;
  startedAt?: number;
  coldStart?: boolean;
  maxRssBytes: number;
  timer?: NodeJS.Timeout;
  settled: boolean;
}

interface Worker {
  readonly id: number;
  readonly server: Server;
  process?: ChildProcess;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  parkedNext?: ServerResponse;
  current?: Invocation;
  invocations: number;
  spawnedAt: number;
  initDurationMs?: number;
  initError?: LambdaFunctionError;
  initTimer?: NodeJS.Timeout;
  peakRssBytes: number;
  exited: Promise<void>;
}

/**
 * Starts a Lambda-like runtime for one function; workers start on the first invocations.
 *
 * @example
 * ```ts
 * const runtime = await startLambdaRuntime({ taskRoot: '/path/to/dist', handler: 'index.handler', timeoutMs: 10_000 });
 * const { result, error, logs } = await runtime.invoke({ Records: [] });
 * await runtime.stop();
 * ```
 */
export async function startLambdaRuntime(options: LambdaRuntimeOptions): Promise<LambdaRuntime> {
  const settings = normalizeOptions(options);
  const functionArn = `arn:aws:lambda:${settings.region}:${ACCOUNT_ID}:function:${settings.functionName}`;
  const queue: Invocation[] = [];
  const workers: Worker[] = [];
  const recentInvocations = new Map<string, Invocation>();
  const logs: LambdaLogLine[] = [];
  const logListeners = new Set<(line: LambdaLogLine) => void>();
  const stats = { invocations: 0, coldStarts: 0, timeouts: 0, crashes: 0, initErrors: 0 };
  let stopped = false;
  let nextWorkerId = 1;
  /** Every process a kill was sent to; stop() waits until they are gone. */
  const killedProcesses: number[] = [];
  const logStream = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;

  const emit = (entry: LambdaLogLine) => {
    logs.push(entry);
    if (logs.length > settings.maxLogLines) logs.splice(0, logs.length - settings.maxLogLines);
    for (const listener of logListeners) listener(entry);
  };
  const platformLine = (worker: Worker, invocation: Invocation, line: string) => {
    invocation.logs.push(line);
    emit({ workerId: worker.id, stream: 'platform', line, requestId: invocation.requestId });
  };

  // An idle worker's RSS does not grow: sample only the ones running or starting.
  const sampler = setInterval(
    () => sampleRss(workers.filter((worker) => worker.state === 'busy' || worker.state === 'starting')),
    SAMPLE_INTERVAL_MS,
  );
  sampler.unref();

  function aliveWorkers() {
    return workers.filter((worker) => worker.state !== 'dead');
  }

  /** Hands queued invocations to idle workers and starts workers for the rest, up to `concurrency`. */
  function pump() {
    if (stopped) return;
    for (const worker of workers) {
      if (queue.length === 0) return;
      if (worker.state === 'idle' && worker.parkedNext) deliver(worker, queue.shift()!);
    }
    const alive = aliveWorkers();
    const starting = alive.filter((worker) => worker.state === 'starting').length;
    let toStart = Math.min(queue.length - starting, settings.concurrency - alive.length);
    while (toStart-- > 0) startWorker();
  }

  function deliver(worker: Worker, invocation: Invocation) {
    const response = worker.parkedNext!;
    worker.parkedNext = undefined;
    worker.state = 'busy';
    worker.current = invocation;
    invocation.worker = worker;
    invocation.coldStart = worker.invocations === 0;
    worker.invocations += 1;
    stats.invocations += 1;
    if (invocation.coldStart) stats.coldStarts += 1;
    invocation.startedAt = performance.now();
    recentInvocations.set(invocation.requestId, invocation);
    const deadline = Date.now() + invocation.timeoutMs;
    platformLine(worker, invocation, `START RequestId: ${invocation.requestId} Version: $LATEST`);
    invocation.timer = setTimeout(() => onTimeout(worker, invocation), invocation.timeoutMs);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(deadline),
      'Lambda-Runtime-Invoked-Function-Arn': functionArn,
      'Lambda-Runtime-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`,
    };
    if (invocation.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = invocation.clientContext;
    response.writeHead(200, headers).end(invocation.payload);
  }

  function finish(worker: Worker | undefined, invocation: Invocation, outcome: { payload: string; error?: LambdaFunctionError }) {
    if (invocation.settled) return;
    invocation.settled = true;
    clearTimeout(invocation.timer);
    const durationMs = invocation.startedAt === undefined ? 0 : performance.now() - invocation.startedAt;
    if (worker) {
      sampleRss([worker]);
      if (worker.current === invocation) worker.current = undefined;
      const initPart = invocation.coldStart && worker.initDurationMs !== undefined ? `\tInit Duration: ${worker.initDurationMs.toFixed(2)} ms` : '';
      platformLine(worker, invocation, `END RequestId: ${invocation.requestId}`);
      platformLine(
        worker,
        invocation,
        `REPORT RequestId: ${invocation.requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: ${settings.memorySizeMb} MB\tMax Memory Used: ${Math.round(invocation.maxRssBytes / 1048576)} MB${initPart}`,
      );
    }
    let result: unknown;
    if (!outcome.error) {
      try {
        result = JSON.parse(outcome.payload);
      } catch {
        result = outcome.payload;
      }
    }
    const value: LambdaInvocationResult = {
      requestId: invocation.requestId,
      payload: outcome.payload,
      durationMs,
      coldStart: invocation.coldStart ?? false,
      workerId: worker?.id ?? 0,
      maxRssBytes: invocation.maxRssBytes,
      logs: invocation.logs,
      ...(outcome.error ? { error: outcome.error } : { result }),
      ...(invocation.coldStart && worker?.initDurationMs !== undefined ? { initDurationMs: worker.initDurationMs } : {}),
    };
    // Output printed just before the response travels on another pipe: let it land first.
    setImmediate(() => setImmediate(() => invocation.resolve(value)));
    setTimeout(() => recentInvocations.delete(invocation.requestId), 1000).unref();
  }

  function failWith(worker: Worker | undefined, invocation: Invocation, errorType: string, detail: string) {
    const error = { errorType, errorMessage: `RequestId: ${invocation.requestId} Error: ${detail}` };
    finish(worker, invocation, { payload: JSON.stringify(error), error });
  }

  function onTimeout(worker: Worker, invocation: Invocation) {
    if (invocation.settled) return;
    stats.timeouts += 1;
    // Lambda stops the whole execution environment; the next invocation gets a fresh one.
    killWorker(worker);
    failWith(worker, invocation, 'Sandbox.Timedout', `Task timed out after ${(invocation.timeoutMs / 1000).toFixed(2)} seconds`);
    pump();
  }

  function killWorker(worker: Worker) {
    worker.state = 'dead';
    clearTimeout(worker.initTimer);
    worker.parkedNext?.destroy();
    worker.parkedNext = undefined;
    const pid = worker.process?.pid;
    if (pid !== undefined) killedProcesses.push(...killTree(pid));
    if (worker.server.listening) {
      worker.server.closeAllConnections();
      worker.server.close();
    }
  }

  function startWorker() {
    const id = nextWorkerId++;
    let markExited!: () => void;
    const worker: Worker = {
      id,
      // No request timeout: a worker waits on `/next` for as long as no invocation comes.
      server: createServer({ requestTimeout: 0 }, (request, response) => handleRuntimeApi(worker, request, response)),
      state: 'starting',
      invocations: 0,
      spawnedAt: performance.now(),
      peakRssBytes: 0,
      exited: new Promise((resolve) => (markExited = resolve)),
    };
    workers.push(worker);
    worker.server.listen(0, '127.0.0.1', () => {
      if (worker.state === 'dead') {
        worker.server.close();
        return markExited();
      }
      const { port } = worker.server.address() as AddressInfo;
      const child = spawn(settings.nodeExecutable, [...nodeArguments(settings.memorySizeMb), RIC_ENTRY], {
        cwd: settings.taskRoot,
        env: workerEnvironment(settings, port, logStream),
        // Its own process group, so a timeout or stop() can kill the handler's children too.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      worker.process = child;
      for (const stream of ['stdout', 'stderr'] as const) {
        createInterface({ input: child[stream]!, crlfDelay: Infinity }).on('line', (line) => onOutput(worker, stream, line));
      }
      child.on('error', (error) => {
        // Spawning failed (no 'exit' follows): treat it as a worker that died during init.
        emit({ workerId: id, stream: 'platform', line: `worker failed to start: ${error.message}` });
        if (child.pid === undefined) {
          onExit(worker, 127, null);
          markExited();
        }
      });
      child.on('exit', (code, signal) => {
        onExit(worker, code, signal);
        markExited();
      });
      worker.initTimer = setTimeout(() => {
        if (worker.state !== 'starting') return;
        killWorker(worker);
        const invocation = queue.shift();
        if (invocation) failWith(undefined, invocation, 'Runtime.InitTimeout', `Init phase did not complete within ${settings.initTimeoutMs} ms`);
        pump();
      }, settings.initTimeoutMs);
    });
  }

  function onOutput(worker: Worker, stream: 'stdout' | 'stderr', line: string) {
    // The runtime's text log format is `time\trequestId\tLEVEL\tmessage`: trust the id when present.
    const tagged = /^\S+\t([0-9a-f-]{36})\t/.exec(line)?.[1];
    const invocation = (tagged && recentInvocations.get(tagged)) || worker.current;
    invocation?.logs.push(line);
    emit({ workerId: worker.id, stream, line, ...(invocation ? { requestId: invocation.requestId } : {}) });
  }

  function onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null) {
    const wasStarting = worker.state === 'starting';
    const unexpected = worker.state !== 'dead';
    if (!unexpected) return;
    killWorker(worker); // the rest of its process group, and its Runtime API
    stats.crashes += 1;
    const reason = signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code ?? 0}`;
    emit({ workerId: worker.id, stream: 'platform', line: `Runtime exited with error: ${reason}` });
    const invocation = worker.current;
    if (invocation) {
      failWith(worker, invocation, 'Runtime.ExitError', `Runtime exited with error: ${reason}`);
    } else if (wasStarting) {
      // On-demand Lambda initialises inside the invocation that needed it: that one gets the error.
      const waiting = queue.shift();
      if (waiting) {
        if (worker.initError) {
          stats.initErrors += 1;
          finish(undefined, waiting, { payload: JSON.stringify(worker.initError), error: worker.initError });
        } else {
          failWith(undefined, waiting, 'Runtime.ExitError', `Runtime exited with error: ${reason}`);
        }
      }
    }
    pump();
  }

  function handleRuntimeApi(worker: Worker, request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const route = (request.url ?? '').startsWith(RUNTIME_PREFIX) ? request.url!.slice(RUNTIME_PREFIX.length) : '';
      const accepted = () => response.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"OK"}');
      if (worker.state === 'dead') return response.writeHead(410).end();

      if (request.method === 'GET' && route === 'invocation/next') {
        if (worker.state === 'starting') {
          clearTimeout(worker.initTimer);
          worker.initDurationMs = performance.now() - worker.spawnedAt;
        }
        worker.state = 'idle';
        worker.parkedNext = response;
        const next = queue.shift();
        if (next) deliver(worker, next);
        return;
      }
      if (request.method === 'POST' && route === 'init/error') {
        worker.initError = parseFunctionError(body, request.headers['lambda-runtime-function-error-type']);
        emit({ workerId: worker.id, stream: 'platform', line: `INIT_REPORT Status: error Error Type: ${worker.initError.errorType}` });
        return accepted();
      }
      const match = /^invocation\/([^/]+)\/(response|error)$/.exec(route);
      if (request.method === 'POST' && match) {
        const requestId = decodeURIComponent(match[1]!);
        const invocation = worker.current;
        if (!invocation || invocation.requestId !== requestId) {
          return response.writeHead(400, { 'Content-Type': 'application/json' }).end('{"errorType":"InvalidRequestID"}');
        }
        accepted();
        if (match[2] === 'response') {
          finish(worker, invocation, { payload: body });
        } else {
          const error = parseFunctionError(body, request.headers['lambda-runtime-function-error-type']);
          finish(worker, invocation, { payload: JSON.stringify(error), error });
        }
        return;
      }
      response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errorType":"NotFound"}');
    });
  }

  function invokePayload(payload: string, invokeOptions: LambdaInvokeOptions = {}): Promise<LambdaInvocationResult> {
    const requestId = invokeOptions.requestId ?? randomUUID();
    if (typeof payload !== 'string') return Promise.reject(new TypeError(`payload must be a string, got ${typeof payload}`));
    const timeoutMs = invokeOptions.timeoutMs ?? settings.timeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      return Promise.reject(new TypeError(`timeoutMs must be a positive integer, got ${String(timeoutMs)}`));
    }
    if (stopped) return Promise.reject(new LambdaRuntimeStoppedError(requestId));
    return new Promise((resolve, reject) => {
      queue.push({
        requestId,
        payload,
        timeoutMs,
        clientContext: invokeOptions.clientContext,
        logs: [],
        resolve,
        reject,
        maxRssBytes: 0,
        settled: false,
      });
      pump();
    });
  }

  function sampleRss(targets: readonly Worker[]) {
    const running = targets.filter((worker) => worker.state !== 'dead' && worker.process?.pid !== undefined);
    if (running.length === 0) return;
    const table = processTable();
    for (const worker of running) {
      const rss = treeRss(table, worker.process!.pid!);
      worker.peakRssBytes = Math.max(worker.peakRssBytes, rss);
      if (worker.current) worker.current.maxRssBytes = Math.max(worker.current.maxRssBytes, rss);
    }
  }

  return {
    functionName: settings.functionName,
    functionArn,
    region: settings.region,
    invoke: (event, invokeOptions) => invokePayload(event === undefined ? '{}' : JSON.stringify(event), invokeOptions),
    invokePayload,
    get logs() {
      return logs;
    },
    onLog(listener) {
      logListeners.add(listener);
      return () => logListeners.delete(listener);
    },
    get stats() {
      return { ...stats };
    },
    get workers() {
      return workers.map((worker) => ({
        id: worker.id,
        pid: worker.process?.pid,
        state: worker.state,
        invocations: worker.invocations,
        peakRssBytes: worker.peakRssBytes,
      }));
    },
    peakRssBytes: () => Math.max(0, ...workers.map((worker) => worker.peakRssBytes)),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sampler);
      for (const invocation of queue.splice(0)) invocation.reject(new LambdaRuntimeStoppedError(invocation.requestId));
      for (const worker of workers) {
        const invocation = worker.current;
        if (worker.state !== 'dead') killWorker(worker);
        if (invocation && !invocation.settled) {
          invocation.settled = true;
          clearTimeout(invocation.timer);
          invocation.reject(new LambdaRuntimeStoppedError(invocation.requestId));
        }
      }
      await Promise.all(workers.map((worker) => worker.exited));
      await waitUntilGone(killedProcesses);
      logListeners.clear();
    },
  };
}

/** V8 sizing from Lambda's Node.js bootstrap: a tenth of the memory for the young generation. */
function nodeArguments(memorySizeMb: number): string[] {
  const newSpace = Math.floor(memorySizeMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`,
    `--max-old-space-size=${memorySizeMb - newSpace}`,
  ];
}

/** The variables Lambda's nodejs22.x runtime defines; the function's own configuration cannot override the reserved ones. */
function workerEnvironment(settings: NormalizedOptions, port: number, logStream: string): NodeJS.ProcessEnv {
  const runtimeDir = path.dirname(RIC_ENTRY);
  const unreserved = {
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    // Lambda's PATH starts with /var/lang/bin, where its node lives.
    PATH: `${path.dirname(settings.nodeExecutable)}:/usr/local/bin:/usr/bin/:/bin:/opt/bin`,
    LD_LIBRARY_PATH: `/lib64:/usr/lib64:${runtimeDir}:${runtimeDir}/lib:${settings.taskRoot}:${settings.taskRoot}/lib:/opt/lib`,
    NODE_PATH: '/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules',
  };
  const reserved = {
    _HANDLER: settings.handler,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: settings.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memorySizeMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${settings.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_ACCESS_KEY_ID: settings.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: settings.credentials.secretAccessKey,
    ...(settings.credentials.sessionToken ? { AWS_SESSION_TOKEN: settings.credentials.sessionToken } : {}),
    LAMBDA_TASK_ROOT: settings.taskRoot,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    // Not Lambda's: keeps an SDK without credentials from reaching for an instance metadata service.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return { ...unreserved, ...settings.environment, ...reserved };
}

function parseFunctionError(body: string, headerType: string | string[] | undefined): LambdaFunctionError {
  try {
    const parsed = JSON.parse(body) as Partial<Record<'errorType' | 'errorMessage' | 'trace', unknown>>;
    return {
      errorType: typeof parsed.errorType === 'string' ? parsed.errorType : String(headerType ?? 'Unknown'),
      errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : '',
      ...(Array.isArray(parsed.trace) ? { trace: parsed.trace.map(String) } : {}),
    };
  } catch {
    return { errorType: String(headerType ?? 'Unknown'), errorMessage: body };
  }
}

interface ProcessEntry {
  readonly pid: number;
  readonly parent: number;
  readonly group: number;
}

/** Every live process on the machine (zombies excluded), from /proc/<pid>/stat. */
function processTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      entries.push({ pid: Number(name), parent: Number(fields[1]), group: Number(fields[2]) });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return entries;
}

/** The root, its descendants by parent link, and the members of its process group. */
function processTree(table: readonly ProcessEntry[], root: number): number[] {
  const tree = new Set<number>();
  for (const entry of table) if (entry.pid === root || entry.group === root) tree.add(entry.pid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const entry of table) {
      if (!tree.has(entry.pid) && tree.has(entry.parent)) {
        tree.add(entry.pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

function treeRss(table: readonly ProcessEntry[], root: number): number {
  let total = 0;
  for (const pid of processTree(table, root)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kilobytes = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (kilobytes) total += Number(kilobytes) * 1024;
    } catch {
      // Gone since the table was read.
    }
  }
  return total;
}

/** SIGKILL to the worker's process group and to any descendant that left it (found before the kill). */
function killTree(root: number): number[] {
  const members = processTree(processTable(), root);
  try {
    process.kill(-root, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
  for (const pid of members) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return members;
}

/** A SIGKILLed grandchild may take a moment to die; its reaper is not us. */
async function waitUntilGone(pids: readonly number[], limitMs = 5000): Promise<void> {
  const giveUpAt = Date.now() + limitMs;
  let remaining = new Set(pids);
  while (remaining.size > 0 && Date.now() < giveUpAt) {
    const live = new Set(processTable().map((entry) => entry.pid));
    remaining = new Set([...remaining].filter((pid) => live.has(pid)));
    if (remaining.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
