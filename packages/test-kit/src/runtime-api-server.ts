/**
 * The Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) one
 * worker talks to: `GET invocation/next` (parked until an invocation is delivered),
 * `POST invocation/{id}/response|error`, `POST init/error`. The server only parses and routes;
 * what an answer means is the caller's.
 */
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { LambdaFunctionError } from './lambda-runtime-types.js';

const RUNTIME_PREFIX = '/2018-06-01/runtime/';

/** The worker's side of the Runtime API. */
export interface RuntimeApiHandlers {
  /** True once the worker is dead: every request then gets 410. */
  readonly closed: () => boolean;
  /** The worker asks for work; answer on `response` when an invocation is delivered. */
  readonly next: (response: ServerResponse) => void;
  readonly initError: (error: LambdaFunctionError) => void;
  /** Whether `requestId` is the invocation this worker runs (else 400 `InvalidRequestID`). */
  readonly isRunning: (requestId: string) => boolean;
  /** The running invocation's outcome, called after the runtime client got its 202. */
  readonly outcome: (requestId: string, outcome: { readonly payload: string; readonly error?: LambdaFunctionError }) => void;
}

/** An HTTP server (not yet listening) answering the Runtime API with `handlers`. */
export function createRuntimeApiServer(handlers: RuntimeApiHandlers): Server {
  // No request timeout: a worker waits on `/next` for as long as no invocation comes.
  return createServer({ requestTimeout: 0 }, (request, response) => route(handlers, request, response));
}

/**
 * Answers a parked `GET invocation/next` with an invocation: the event as the body, and the
 * headers the runtime client reads (request id, deadline in epoch ms, function ARN, X-Ray trace
 * id, client context).
 */
export function sendInvocation(
  response: ServerResponse,
  invocation: { readonly requestId: string; readonly payload: string; readonly deadlineMs: number; readonly functionArn: string; readonly clientContext?: string | undefined },
): void {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
    'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
    'Lambda-Runtime-Invoked-Function-Arn': invocation.functionArn,
    'Lambda-Runtime-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`,
  };
  if (invocation.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = invocation.clientContext;
  response.writeHead(200, headers).end(invocation.payload);
}

/** Closes the server and drops its connections (a parked `/next` included). */
export function closeRuntimeApiServer(server: Server): void {
  if (!server.listening) return;
  server.closeAllConnections();
  server.close();
}

function route(handlers: RuntimeApiHandlers, request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (request.url ?? '').startsWith(RUNTIME_PREFIX) ? request.url!.slice(RUNTIME_PREFIX.length) : '';
    const accepted = () => response.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"OK"}');
    if (handlers.closed()) return response.writeHead(410).end();

    if (request.method === 'GET' && path === 'invocation/next') return handlers.next(response);
    const errorType = request.headers['lambda-runtime-function-error-type'];
    if (request.method === 'POST' && path === 'init/error') {
      handlers.initError(parseFunctionError(body, errorType));
      return accepted();
    }
    const match = /^invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (request.method === 'POST' && match) {
      const requestId = decodeURIComponent(match[1]!);
      if (!handlers.isRunning(requestId)) {
        return response.writeHead(400, { 'Content-Type': 'application/json' }).end('{"errorType":"InvalidRequestID"}');
      }
      accepted();
      if (match[2] === 'response') return handlers.outcome(requestId, { payload: body });
      const error = parseFunctionError(body, errorType);
      return handlers.outcome(requestId, { payload: JSON.stringify(error), error });
    }
    response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errorType":"NotFound"}');
  });
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
