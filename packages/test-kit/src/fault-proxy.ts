import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy can do to one request. */
export type FaultKind = 'slowdown' | 'internal' | 'reset-mid-body' | 'slow-first-byte';

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** The `Range` header, if any. */
  readonly range: string | undefined;
  /** `true` for CopyObject / UploadPartCopy (`x-amz-copy-source` present). */
  readonly copy: boolean;
  /** The fault injected, if any. */
  readonly fault: FaultKind | undefined;
  /** `performance.now()` when the request reached the proxy. */
  readonly at: number;
}

/**
 * Which eligible requests get a fault: an explicit schedule (entry n applies to the n-th eligible
 * request, `'pass'` forwards it, requests past the end pass), or a seeded random plan.
 */
export type FaultPlan =
  | { readonly schedule: readonly (FaultKind | 'pass')[] }
  | { readonly probability: number; readonly kinds: readonly FaultKind[]; readonly seed?: number };

export interface FaultProxyOptions {
  /** Where to forward, e.g. `s3.endpoint`. */
  readonly target: string;
  /** Faults to inject. @default no faults */
  readonly faults?: FaultPlan;
  /** Which requests may get a fault (all are forwarded and logged). @default every request */
  readonly filter?: (request: { method: string; path: string; headers: IncomingMessage['headers'] }) => boolean;
  /**
   * Picks one request's fate instead of the fault plan: a fault, `'pass'` (forward untouched), or
   * nothing (the plan and `filter` decide). For faults by request kind or on chosen SDK attempts.
   * @default none
   */
  readonly chooseFault?: (request: { readonly method: string; readonly path: string; readonly headers: IncomingMessage['headers'] }) => FaultKind | 'pass' | undefined;
  /** Delay before the response headers of every request (simulated first-byte latency). @default 0 */
  readonly firstByteLatencyMs?: number;
  /** Pace each response body to this rate (per request, hence per connection). @default unlimited */
  readonly bytesPerSecond?: number;
  /** Extra delay of a `slow-first-byte` fault. @default 2000 */
  readonly slowFirstByteMs?: number;
  /** Fraction of the body a `reset-mid-body` fault lets through before destroying the socket. @default a seeded random fraction in (0, 1) */
  readonly resetFraction?: number;
  /**
   * Runs before each request is forwarded, and the request waits for it: the place to act on the
   * server "between" two requests of the code under test (e.g. re-upload a key just before its
   * DELETE arrives). Not called for requests answered with an injected 503/500.
   * @default none
   */
  readonly beforeForward?: (request: { readonly method: string; readonly path: string; readonly headers: IncomingMessage['headers'] }) => Promise<void> | void;
}

export interface FaultProxyStats {
  /** Requests received, by HTTP method. */
  readonly requests: Readonly<Record<string, number>>;
  /** Faults injected, by kind. */
  readonly faults: Readonly<Record<FaultKind, number>>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: give it to the S3 client as `endpoint`. */
  readonly endpoint: string;
  /** Live counters. */
  readonly stats: FaultProxyStats;
  /** Every request in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  /** Replaces the fault plan (the schedule restarts at its first entry); `undefined` stops faults. */
  setFaults(plan: FaultPlan | undefined): void;
  /** Closes the proxy and every connection through it. */
  stop(): Promise<void>;
}

/** Deterministic PRNG (mulberry32) so a seeded fault plan (or a soak) replays exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function s3ErrorBody(code: string, message: string, path: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${path}</Resource><RequestId>FAULTPROXY</RequestId></Error>`;
}

/**
 * Starts a reverse proxy on 127.0.0.1 (random port) in front of an S3-protocol server that injects
 * faults and latency. Bytes are forwarded as they are, `Host` included, so SigV4 signatures made for
 * the proxy's address stay valid.
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ target: s3.endpoint, faults: { schedule: ['reset-mid-body', 'slowdown'] } });
 * const client = s3.client({ endpoint: proxy.endpoint });
 * // ... read through `client` ...
 * console.log(proxy.stats.faults, proxy.requests.length);
 * await proxy.stop();
 * ```
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:') throw new TypeError(`Option \`target\` must be an http:// URL, got ${options.target}`);
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const methodCounts: Record<string, number> = {};
  const faultCounts: Record<FaultKind, number> = { slowdown: 0, internal: 0, 'reset-mid-body': 0, 'slow-first-byte': 0 };
  let plan: FaultPlan | undefined;
  let eligibleCount = 0;
  let random = seededRandom(1);
  const setFaults = (next: FaultPlan | undefined) => {
    plan = next;
    eligibleCount = 0;
    random = seededRandom(next && 'seed' in next && next.seed !== undefined ? next.seed : 1);
  };
  setFaults(options.faults);

  const pickFault = (): FaultKind | undefined => {
    if (!plan) return undefined;
    const position = eligibleCount++;
    if ('schedule' in plan) {
      const entry = plan.schedule[position];
      return entry === undefined || entry === 'pass' ? undefined : entry;
    }
    if (random() >= plan.probability || plan.kinds.length === 0) return undefined;
    return plan.kinds[Math.floor(random() * plan.kinds.length)];
  };

  const sockets = new Set<Socket>();
  const server = createServer((incoming, outgoing) => {
    void handle(incoming, outgoing).catch(() => {
      incoming.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    methodCounts[method] = (methodCounts[method] ?? 0) + 1;
    const chosen = options.chooseFault?.({ method, path, headers: incoming.headers });
    const eligible = chosen === undefined && (options.filter ? options.filter({ method, path, headers: incoming.headers }) : true);
    const fault = chosen === 'pass' ? undefined : (chosen ?? (eligible ? pickFault() : undefined));
    if (fault) faultCounts[fault]++;
    requests.push({
      method,
      path,
      range: incoming.headers.range,
      copy: incoming.headers['x-amz-copy-source'] !== undefined,
      fault,
      at: performance.now(),
    });

    if (fault === 'slowdown' || fault === 'internal') {
      incoming.resume(); // drain the request body so the connection stays usable
      await new Promise<void>((resolve) => incoming.on('end', resolve));
      const [status, code, message] =
        fault === 'slowdown' ? [503, 'SlowDown', 'Please reduce your request rate.'] : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
      const body = s3ErrorBody(code, message, path);
      outgoing.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': 'FAULTPROXY' });
      outgoing.end(body);
      return;
    }
    if (fault === 'slow-first-byte') await delay(options.slowFirstByteMs ?? 2000);
    if (options.beforeForward) await options.beforeForward({ method, path, headers: incoming.headers });

    const upstream = httpRequest({
      host: target.hostname,
      port: target.port,
      method,
      path,
      headers: incoming.headers,
      agent,
    });
    incoming.pipe(upstream);
    // The client gave up (abort, reset): stop the upstream request too.
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) upstream.destroy();
    });
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      upstream.on('response', resolve);
      upstream.on('error', reject);
    });
    if (options.firstByteLatencyMs) await delay(options.firstByteLatencyMs);
    if (outgoing.destroyed) {
      response.destroy();
      return;
    }

    const length = Number(response.headers['content-length'] ?? NaN);
    let cutAt = Infinity;
    if (fault === 'reset-mid-body') {
      const fraction = options.resetFraction ?? 0.1 + random() * 0.8;
      cutAt = Number.isFinite(length) ? Math.floor(length * fraction) : 0;
      if (cutAt <= 0) {
        // No body to cut: the connection dies before the response, as a reset does.
        response.destroy();
        outgoing.socket?.destroy();
        return;
      }
    }
    outgoing.writeHead(response.statusCode ?? 502, response.statusMessage, response.rawHeaders);
    const rate = options.bytesPerSecond;
    const started = performance.now();
    let sent = 0;
    for await (const piece of response as AsyncIterable<Buffer>) {
      let chunk = piece;
      if (sent + chunk.byteLength >= cutAt) {
        chunk = chunk.subarray(0, cutAt - sent);
        if (chunk.byteLength > 0) await new Promise<void>((resolve) => outgoing.write(chunk, () => resolve()));
        response.destroy();
        outgoing.socket?.destroy();
        return;
      }
      if (rate) {
        const due = started + ((sent + chunk.byteLength) / rate) * 1000;
        const wait = due - performance.now();
        if (wait > 1) await delay(wait);
      }
      sent += chunk.byteLength;
      if (outgoing.destroyed) {
        response.destroy();
        return;
      }
      if (!outgoing.write(chunk)) await new Promise<void>((resolve) => {
        const done = () => {
          outgoing.off('drain', done);
          outgoing.off('close', done);
          resolve();
        };
        outgoing.on('drain', done);
        outgoing.on('close', done);
      });
    }
    outgoing.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: { requests: methodCounts, faults: faultCounts },
    requests,
    setFaults,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}
