import path from 'node:path';
import { LOCAL_S3_CREDENTIALS } from './local-s3.js';
import type { LambdaCredentials, LambdaRuntimeOptions } from './lambda-runtime-types.js';

/** The options with every default applied. */
export type NormalizedOptions = Required<Omit<LambdaRuntimeOptions, 'credentials'>> & { credentials: LambdaCredentials };

export function normalizeOptions(options: LambdaRuntimeOptions): NormalizedOptions {
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
