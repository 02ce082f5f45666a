/**
 * A stand-in for the Lambda service's Invoke API on 127.0.0.1, in front of `startLambdaRuntime()`
 * runtimes, for tests and the demo. The Lambda service cannot run here; this answers what
 * `@aws-sdk/client-lambda`'s `InvokeCommand` sends (`POST /2015-03-31/functions/{name}/invocations`)
 * and reproduces the parts of Lambda's behaviour our code relies on:
 * - `RequestResponse`: 200 with the function's response; `X-Amz-Function-Error: Unhandled` and the
 *   error document when the function failed. `X-Amz-Log-Type: Tail` returns the last 4 KB of logs.
 * - `Event`: 202 at once; the invocation runs in the background. A function error is retried
 *   `asyncRetries` times as `lambda-async-retries.ts` emulates it (Lambda: 2, after 1 and 2 minutes;
 *   here after `asyncRetryDelayMs` and twice that), keeping the request id, then a record shaped like
 *   Lambda's on-failure destination record is appended to `failures`.
 * - `DryRun`: 204. An unknown function: 404 `ResourceNotFoundException`, as AWS answers.
 * Signatures (SigV4) are accepted without being checked. Not modelled: qualifiers and aliases
 * (ignored), payload size limits, throttling, event age limits, success destinations.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { invokeAsynchronously, normalizeAsyncRetryOptions } from './lambda-async-retries.js';
import type { LambdaFunctionError, LambdaInvocationResult, LambdaRuntime } from './lambda-runtime.js';
import { LOCAL_S3_CREDENTIALS } from './local-s3.js';

/**
 * The functions the stand-in serves and its retry knobs (milliseconds).
 *
 * @example
 * ```ts
 * const options: LambdaInvokeEndpointOptions = { functions: { organizer: runtime }, asyncRetryDelayMs: 10 };
 * ```
 */
export interface LambdaInvokeEndpointOptions {
  /** The functions it serves, by name. */
  readonly functions: Readonly<Record<string, LambdaRuntime>>;
  /** Retries of a failed asynchronous invocation, 0..2 (Lambda's `MaximumRetryAttempts`). @default 2 (Lambda's default) */
  readonly asyncRetries?: number;
  /** Milliseconds before the first retry; the second waits twice this (Lambda: 1 and 2 minutes). @default 100 */
  readonly asyncRetryDelayMs?: number;
  /** Port on 127.0.0.1. @default 0 (a random free port) */
  readonly port?: number;
}

/**
 * Lambda's on-failure destination record for an asynchronous invocation
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 *
 * @example
 * ```ts
 * const [record] = endpoint.failures;
 * record?.requestContext.approximateInvokeCount; // 3
 * ```
 */
export interface LambdaFailureRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetriesExhausted';
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: {
    readonly statusCode: 200;
    readonly executedVersion: '$LATEST';
    readonly functionError: 'Unhandled';
  };
  readonly responsePayload: LambdaFunctionError;
}

/**
 * A running Invoke API stand-in: its endpoint, what it ran and what failed.
 *
 * @example
 * ```ts
 * const client = new LambdaClient(endpoint.clientConfig);
 * ```
 */
export interface LambdaInvokeEndpoint {
  /** `http://127.0.0.1:PORT`, for `new LambdaClient({ endpoint })`. */
  readonly endpoint: string;
  readonly port: number;
  /** A ready configuration for `new LambdaClient(...)`. */
  readonly clientConfig: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** On-failure destination records of asynchronous invocations, oldest first. */
  readonly failures: readonly LambdaFailureRecord[];
  /** Every invocation attempt's outcome, oldest first (asynchronous retries included). */
  readonly attempts: readonly LambdaInvocationResult[];
  /** Resolves when no asynchronous invocation is running or waiting to retry. */
  idle(): Promise<void>;
  /** Closes the server and waits for running asynchronous invocations (stop the runtimes after it). */
  stop(): Promise<void>;
}

function normalizeOptions(options: LambdaInvokeEndpointOptions) {
  if (typeof options?.functions !== 'object' || options.functions === null) {
    throw new TypeError(`functions must be an object of runtimes by name, got ${String(options?.functions)}`);
  }
  const nonNegativeInteger = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
    return value;
  };
  const { retries, firstDelayMs } = normalizeAsyncRetryOptions('asyncRetries', options.asyncRetries, 'asyncRetryDelayMs', options.asyncRetryDelayMs, 100);
  return {
    functions: new Map(Object.entries(options.functions)),
    asyncRetries: retries,
    asyncRetryDelayMs: firstDelayMs,
    port: nonNegativeInteger('port', options.port, 0),
  };
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const LOG_TAIL_BYTES = 4096;

/**
 * Starts the Invoke API stand-in.
 *
 * @throws {TypeError} for bad options (no functions, `asyncRetries` above 2, a negative delay)
 * @throws {Error} the server's `listen` error (EADDRINUSE) when the port is taken
 *
 * @example
 * ```ts
 * const runtime = await startLambdaRuntime({ taskRoot, handler: 'index.handler' });
 * const lambda = await startLambdaInvokeEndpoint({ functions: { organizer: runtime } });
 * const client = new LambdaClient(lambda.clientConfig);
 * await client.send(new InvokeCommand({ FunctionName: 'organizer', InvocationType: 'Event', Payload: JSON.stringify(event) }));
 * await lambda.idle();
 * console.log(lambda.failures);
 * await lambda.stop();
 * ```
 */
export async function startLambdaInvokeEndpoint(options: LambdaInvokeEndpointOptions): Promise<LambdaInvokeEndpoint> {
  const settings = normalizeOptions(options);
  const failures: LambdaFailureRecord[] = [];
  const attempts: LambdaInvocationResult[] = [];
  const pending = new Set<Promise<void>>();
  let stopped = false;

  const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-RequestId': randomUUID(), ...headers });
    response.end(JSON.stringify(body));
  };
  const sendServiceError = (response: ServerResponse, status: number, type: string, message: string) =>
    sendJson(response, status, { Type: 'User', message }, { 'x-amzn-ErrorType': type });

  async function runAsync(runtime: LambdaRuntime, payload: string, requestId: string) {
    const { last, attempts: count, retriesExhausted } = await invokeAsynchronously(runtime, payload, {
      requestId,
      maximumRetryAttempts: settings.asyncRetries,
      firstRetryDelayMs: settings.asyncRetryDelayMs,
      onAttempt: (outcome) => attempts.push(outcome),
      cancelled: () => stopped,
    });
    if (!retriesExhausted || !last?.error) return;
    failures.push({
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId,
        functionArn: `${runtime.functionArn}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: count,
      },
      requestPayload: parseOrKeep(payload),
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: last.error,
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = INVOKE_PATH.exec(url.pathname);
    if (request.method !== 'POST' || !match) {
      return sendServiceError(response, 404, 'UnknownOperationException', `no such operation: ${request.method} ${url.pathname}`);
    }
    const name = functionNameOf(decodeURIComponent(match[1]!));
    const runtime = settings.functions.get(name);
    if (!runtime) {
      return sendServiceError(response, 404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`);
    }
    const payload = chunks.length === 0 ? '{}' : Buffer.concat(chunks).toString('utf8');
    try {
      JSON.parse(payload);
    } catch {
      return sendServiceError(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const invocationType = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (invocationType === 'DryRun') {
      response.writeHead(204, { 'x-amzn-RequestId': randomUUID() }).end();
      return;
    }
    if (invocationType === 'Event') {
      const requestId = randomUUID();
      const run = runAsync(runtime, payload, requestId).finally(() => pending.delete(run));
      pending.add(run);
      response.writeHead(202, { 'x-amzn-RequestId': requestId }).end();
      return;
    }
    if (invocationType !== 'RequestResponse') {
      return sendServiceError(response, 400, 'InvalidParameterValueException', `Invalid InvocationType: ${invocationType}`);
    }
    const clientContext = header(request, 'x-amz-client-context');
    const outcome = await runtime.invokePayload(payload, {
      ...(clientContext ? { clientContext: Buffer.from(clientContext, 'base64').toString('utf8') } : {}),
    });
    attempts.push(outcome);
    const headers: Record<string, string> = { 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': outcome.requestId };
    if (outcome.error) headers['X-Amz-Function-Error'] = 'Unhandled';
    if (header(request, 'x-amz-log-type') === 'Tail') {
      const tail = Buffer.from(outcome.logs.join('\n') + '\n', 'utf8');
      headers['X-Amz-Log-Result'] = tail.subarray(Math.max(0, tail.length - LOG_TAIL_BYTES)).toString('base64');
    }
    response.writeHead(200, { 'Content-Type': 'application/json', ...headers }).end(outcome.payload);
  }

  // No request timeout: a RequestResponse invocation may run as long as the function's timeout.
  const server = createServer({ requestTimeout: 0 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      sendServiceError(response, 500, 'ServiceException', error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    port,
    clientConfig: { endpoint, region: 'us-east-1', credentials: LOCAL_S3_CREDENTIALS },
    failures,
    attempts,
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async stop() {
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...pending]);
    },
  };
}

/**
 * The function name from a name, a full ARN or a partial ARN, without a qualifier.
 *
 * @example
 * ```ts
 * functionNameOf('arn:aws:lambda:us-east-1:123456789012:function:organizer:live'); // 'organizer'
 * ```
 */
export function functionNameOf(identifier: string): string {
  const arn = /^(?:arn:[^:]+:lambda:[^:]*:)?(?:\d{12}:)?function:([^:]+)/.exec(identifier);
  if (arn) return arn[1]!;
  return identifier.split(':')[0]!;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseOrKeep(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}
