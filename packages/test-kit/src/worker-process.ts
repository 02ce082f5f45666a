/**
 * One execution environment's process: Node running the real runtime interface client
 * (`aws-lambda-ric`) with the arguments and environment Lambda's nodejs22.x runtime gives it,
 * pointed at a worker's Runtime API on loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { NormalizedOptions } from './lambda-runtime-options.js';

const require = createRequire(import.meta.url);
/** Where `aws-lambda-ric`'s entry point lives (its package `main`, also its bin). */
const RIC_ENTRY = require.resolve('aws-lambda-ric');

/** What the caller hears from a worker process. */
export interface WorkerProcessListeners {
  /** A line the function printed (the runtime's text log format included). */
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Spawning failed; `started` is false when no process exists (no `onExit` follows then). */
  readonly onSpawnError: (error: Error, started: boolean) => void;
  readonly onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/**
 * Spawns the runtime interface client for the Runtime API on `127.0.0.1:port`, in its own process
 * group so a timeout or `stop()` can kill the handler's children too.
 */
export function spawnWorkerProcess(settings: NormalizedOptions, port: number, logStream: string, listeners: WorkerProcessListeners): ChildProcess {
  const child = spawn(settings.nodeExecutable, [...nodeArguments(settings.memorySizeMb), RIC_ENTRY], {
    cwd: settings.taskRoot,
    env: workerEnvironment(settings, port, logStream),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]!, crlfDelay: Infinity }).on('line', (line) => listeners.onLine(stream, line));
  }
  child.on('error', (error) => listeners.onSpawnError(error, child.pid !== undefined));
  child.on('exit', (code, signal) => listeners.onExit(code, signal));
  return child;
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
