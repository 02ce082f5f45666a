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
 *
 * The parts: `runtime-api-server.ts` (the HTTP API a worker polls), `worker-process.ts` (the
 * process and its environment), `process-tree.ts` (RSS and kills), `runtime-log.ts` (the log and
 * the platform's START/END/REPORT lines), and here the pool: the queue, delivery, timeouts, crashes.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaRuntimeStoppedError } from './lambda-runtime-errors.js';
import { normalizeOptions } from './lambda-runtime-options.js';
import type {
  LambdaFunctionError,
  LambdaInvocationResult,
  LambdaInvokeOptions,
  LambdaLogLine,
  LambdaRuntime,
  LambdaRuntimeOptions,
} from './lambda-runtime-types.js';
import { killProcessTree, processTable, treeResidentBytes, waitUntilGone } from './process-tree.js';
import { closeRuntimeApiServer, createRuntimeApiServer, sendInvocation } from './runtime-api-server.js';
import { endLine, logStreamName, reportLine, RuntimeLog, startLine } from './runtime-log.js';
import { spawnWorkerProcess } from './worker-process.js';

export { LambdaRuntimeError, LambdaRuntimeStoppedError } from './lambda-runtime-errors.js';
export type * from './lambda-runtime-types.js';

const SAMPLE_INTERVAL_MS = 50;
const ACCOUNT_ID = '000000000000';

interface Invocation {
  readonly requestId: string;
  readonly payload: string;
  readonly timeoutMs: number;
  readonly clientContext: string | undefined;
  readonly logs: string[];
  readonly resolve: (result: LambdaInvocationResult) => void;
  readonly reject: (error: Error) => void;
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
 * @throws {TypeError} naming the option for a bad one (relative `taskRoot`, `handler` not
 *   `module.export`, a non-positive `timeoutMs`...)
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
  const log = new RuntimeLog(settings.maxLogLines);
  const stats = { invocations: 0, coldStarts: 0, timeouts: 0, crashes: 0, initErrors: 0 };
  let stopped = false;
  let nextWorkerId = 1;
  /** Every process a kill was sent to; stop() waits until they are gone. */
  const killedProcesses: number[] = [];
  const logStream = logStreamName();
  const emit = (entry: LambdaLogLine) => log.emit(entry);
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
    invocation.coldStart = worker.invocations === 0;
    worker.invocations += 1;
    stats.invocations += 1;
    if (invocation.coldStart) stats.coldStarts += 1;
    invocation.startedAt = performance.now();
    recentInvocations.set(invocation.requestId, invocation);
    const deadline = Date.now() + invocation.timeoutMs;
    platformLine(worker, invocation, startLine(invocation.requestId));
    invocation.timer = setTimeout(() => onTimeout(worker, invocation), invocation.timeoutMs);
    sendInvocation(response, { ...invocation, deadlineMs: deadline, functionArn });
  }

  function finish(worker: Worker | undefined, invocation: Invocation, outcome: { payload: string; error?: LambdaFunctionError }) {
    if (invocation.settled) return;
    invocation.settled = true;
    clearTimeout(invocation.timer);
    const durationMs = invocation.startedAt === undefined ? 0 : performance.now() - invocation.startedAt;
    if (worker) {
      sampleRss([worker]);
      if (worker.current === invocation) worker.current = undefined;
      platformLine(worker, invocation, endLine(invocation.requestId));
      platformLine(
        worker,
        invocation,
        reportLine({
          requestId: invocation.requestId,
          durationMs,
          memorySizeMb: settings.memorySizeMb,
          maxRssBytes: invocation.maxRssBytes,
          ...(invocation.coldStart && worker.initDurationMs !== undefined ? { initDurationMs: worker.initDurationMs } : {}),
        }),
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
    if (pid !== undefined) killedProcesses.push(...killProcessTree(pid));
    closeRuntimeApiServer(worker.server);
  }

  function startWorker() {
    const id = nextWorkerId++;
    let markExited!: () => void;
    const worker: Worker = {
      id,
      server: createRuntimeApiServer({
        closed: () => worker.state === 'dead',
        next: (response) => onNext(worker, response),
        initError: (error) => {
          worker.initError = error;
          emit({ workerId: worker.id, stream: 'platform', line: `INIT_REPORT Status: error Error Type: ${error.errorType}` });
        },
        isRunning: (requestId) => worker.current?.requestId === requestId,
        outcome: (_requestId, outcome) => finish(worker, worker.current!, outcome),
      }),
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
      worker.process = spawnWorkerProcess(settings, port, logStream, {
        onLine: (stream, line) => onOutput(worker, stream, line),
        onSpawnError: (error, started) => {
          // Spawning failed (no 'exit' follows when no process exists): a worker that died during init.
          emit({ workerId: id, stream: 'platform', line: `worker failed to start: ${error.message}` });
          if (!started) {
            onExit(worker, 127, null);
            markExited();
          }
        },
        onExit: (code, signal) => {
          onExit(worker, code, signal);
          markExited();
        },
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

  /** The worker's `GET invocation/next`: init is over; it takes the next queued invocation or waits. */
  function onNext(worker: Worker, response: ServerResponse) {
    if (worker.state === 'starting') {
      clearTimeout(worker.initTimer);
      worker.initDurationMs = performance.now() - worker.spawnedAt;
    }
    worker.state = 'idle';
    worker.parkedNext = response;
    const next = queue.shift();
    if (next) deliver(worker, next);
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
      const rss = treeResidentBytes(table, worker.process!.pid!);
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
      return log.lines;
    },
    onLog: (listener) => log.onLog(listener),
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
      log.clearListeners();
    },
  };
}
