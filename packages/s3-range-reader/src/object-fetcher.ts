import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import pRetry from 'p-retry';
import { classifyError, TransientFault } from './classify-error.js';
import { ObjectChangedError, RangeNotSatisfiableError, RequestFailedError, type RequestFacts } from './errors.js';
import { objectFacts, type ObjectFacts } from './object-facts.js';
import type { NormalizedOptions } from './options.js';
import type { MutableStats } from './stats.js';

export const EMPTY = new Uint8Array(0);

/**
 * Replaces the client's retry middleware for this one command (same name, `override`), so one
 * `send` is one HTTP request and the reader's own policy is the only retry layer: retries do not
 * multiply, and every request is counted. The client itself is left untouched.
 */
function singleAttempt<T extends { readonly middlewareStack: object }>(command: T): T {
  const passThrough = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => next(args);
  (command.middlewareStack as unknown as { add(middleware: unknown, options: object): void }).add(passThrough, {
    name: 'retryMiddleware',
    step: 'finalizeRequest',
    priority: 'high',
    tags: ['RETRY'],
    override: true,
  });
  return command;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function parseContentRange(header: string | undefined): { start: number; end: number; total: number | undefined } | undefined {
  const match = header === undefined ? null : CONTENT_RANGE.exec(header.trim());
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

const bareEtag = (etag: string): string => etag.replace(/^W\//, '').replace(/^"|"$/g, '');

interface DestroyableBody extends AsyncIterable<Uint8Array> {
  destroy?(error?: Error): void;
}

/**
 * Sends the reader's requests: ranged GETs that resume after faults, pinned to one version of the
 * object, and the HEAD used only when a 416 leaves the size unknown.
 */
export class ObjectFetcher {
  etag: string | undefined;
  versionId: string | undefined;
  size: number | undefined;
  /** Headers of the first response that told the size (normally the first ranged GET). */
  facts: ObjectFacts | undefined;

  constructor(
    private readonly options: NormalizedOptions,
    private readonly stats: MutableStats,
  ) {
    this.etag = options.etag;
    this.versionId = options.versionId;
    this.size = options.size;
  }

  /**
   * Bytes `[start, end)` of the object, shorter when the object ends first. Retries resume after the
   * last byte received, so the result has no byte twice and none missing.
   */
  async fetchRange(start: number, end: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
    signal?.throwIfAborted();
    let limit = this.size === undefined ? end : Math.min(end, this.size);
    if (start >= limit) return EMPTY;
    const target = new Uint8Array(limit - start);
    let received = 0;
    const range = () => `bytes=${start + received}-${limit - 1}`;
    try {
      await this.withRetry(range, signal, (facts) =>
        this.request(signal, async (attemptSignal, touch) => {
          const from = start + received;
          const command = singleAttempt(new GetObjectCommand({ ...this.target(), Range: `bytes=${from}-${limit - 1}` }));
          const output = await this.options.client.send(command, { abortSignal: attemptSignal });
          const body = output.Body as DestroyableBody | undefined;
          const onAbort = () => body?.destroy?.(attemptSignal.reason as Error);
          attemptSignal.addEventListener('abort', onAbort, { once: true });
          try {
            let total: number | undefined;
            if (output.$metadata.httpStatusCode === 206) {
              const contentRange = parseContentRange(output.ContentRange);
              if (!contentRange || contentRange.start !== from) {
                throw new RequestFailedError(`Content-Range ${output.ContentRange ?? '(none)'} does not answer the request`, {
                  ...facts,
                  statusCode: 206,
                  retryable: false,
                  code: 'BadContentRange',
                });
              }
              total = contentRange.total;
            } else if (from === 0) {
              total = output.ContentLength; // a server that ignores Range sends the whole object
            } else {
              throw new RequestFailedError('The server ignored the Range header', { ...facts, statusCode: output.$metadata.httpStatusCode, retryable: false, code: 'RangeIgnored' });
            }
            this.pin(output.ETag, output.VersionId, total, facts);
            if (total !== undefined && this.facts === undefined) this.facts = objectFacts(output, total);
            if (total !== undefined) limit = Math.min(limit, total);
            if (body === undefined) throw new TransientFault('response without a body', 'NoBody');
            for await (const piece of body) {
              touch();
              this.stats.bytesFetched += piece.byteLength;
              const take = Math.min(piece.byteLength, limit - start - received);
              target.set(take === piece.byteLength ? piece : piece.subarray(0, take), received);
              received += take;
              if (start + received >= limit) break;
            }
            if (start + received < limit) {
              throw new TransientFault(`body ended after ${received} of ${limit - start} bytes`, 'ShortBody');
            }
          } finally {
            attemptSignal.removeEventListener('abort', onAbort);
            body?.destroy?.();
          }
        }),
      );
    } catch (error) {
      if (!(error instanceof RangeNotSatisfiableError) || received > 0) throw error;
      // S3 answers 416 to any Range on a 0-byte object and to a start past EOF: learn the size, then decide.
      const size = this.sizeFromInvalidRange(error) ?? (await this.learnSize(signal));
      if (start >= size) return EMPTY;
      throw error;
    }
    return limit - start === target.byteLength ? target : target.subarray(0, limit - start);
  }

  /** The object's size from a HEAD (pinning the version too); only used when no GET could tell it. */
  async learnSize(signal: AbortSignal | undefined): Promise<number> {
    if (this.size !== undefined) return this.size;
    await this.head(signal);
    if (this.size === undefined) {
      throw new RequestFailedError('HEAD response carried no Content-Length', { bucket: this.options.bucket, key: this.options.key, range: undefined, attempt: 1, retryable: false, code: 'NoContentLength' });
    }
    return this.size;
  }

  /** The object's facts from a HEAD; only used when no GET told them (a 0-byte object answers 416). */
  async learnFacts(signal: AbortSignal | undefined): Promise<ObjectFacts> {
    if (this.facts === undefined) await this.head(signal);
    if (this.facts === undefined) {
      throw new RequestFailedError('HEAD response carried no Content-Length', { bucket: this.options.bucket, key: this.options.key, range: undefined, attempt: 1, retryable: false, code: 'NoContentLength' });
    }
    return this.facts;
  }

  private async head(signal: AbortSignal | undefined): Promise<void> {
    await this.withRetry(
      () => undefined,
      signal,
      (facts) =>
        this.request(signal, async (attemptSignal) => {
          const command = singleAttempt(new HeadObjectCommand(this.target()));
          const output = await this.options.client.send(command, { abortSignal: attemptSignal });
          this.pin(output.ETag, output.VersionId, output.ContentLength, facts);
          if (output.ContentLength !== undefined && this.facts === undefined) this.facts = objectFacts(output, output.ContentLength);
        }),
    );
  }

  private target() {
    return { Bucket: this.options.bucket, Key: this.options.key, IfMatch: this.etag, VersionId: this.versionId };
  }

  /** Pins the first version seen; any later response of another version fails the read. */
  private pin(etag: string | undefined, versionId: string | undefined, total: number | undefined, facts: RequestFacts): void {
    if (etag !== undefined) {
      if (this.etag === undefined) this.etag = etag;
      else if (bareEtag(this.etag) !== bareEtag(etag)) throw new ObjectChangedError({ ...facts, expected: `ETag ${this.etag}`, actual: `ETag ${etag}` });
    }
    if (versionId !== undefined && versionId !== 'null') {
      if (this.versionId === undefined) this.versionId = versionId;
      else if (this.versionId !== versionId) throw new ObjectChangedError({ ...facts, expected: `VersionId ${this.versionId}`, actual: `VersionId ${versionId}` });
    }
    if (total !== undefined) {
      if (this.size === undefined) this.size = total;
      else if (this.size !== total) throw new ObjectChangedError({ ...facts, expected: `size ${this.size}`, actual: `size ${total}` });
    }
  }

  private sizeFromInvalidRange(error: RangeNotSatisfiableError): number | undefined {
    const cause = error.cause as { $response?: { headers?: Record<string, string> }; ActualObjectSize?: unknown } | undefined;
    const header = cause?.$response?.headers?.['content-range'];
    const fromHeader = header === undefined ? undefined : /^bytes \*\/(\d+)$/.exec(header)?.[1];
    const size = fromHeader ?? cause?.ActualObjectSize;
    if (size === undefined || !/^\d+$/.test(String(size))) return undefined;
    this.pin(undefined, undefined, Number(size), { bucket: this.options.bucket, key: this.options.key, range: error.range, attempt: error.attempt });
    return Number(size);
  }

  private async withRetry(range: () => string | undefined, signal: AbortSignal | undefined, attempt: (facts: RequestFacts) => Promise<void>): Promise<void> {
    await pRetry(
      async (attemptNumber) => {
        if (attemptNumber > 1) this.stats.retries++;
        signal?.throwIfAborted();
        const facts: RequestFacts = { bucket: this.options.bucket, key: this.options.key, range: range(), attempt: attemptNumber };
        try {
          await attempt(facts);
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          throw classifyError(error, facts, this.etag);
        }
      },
      {
        retries: this.options.retries,
        minTimeout: this.options.retryMinDelay,
        maxTimeout: this.options.retryMaxDelay,
        factor: 2,
        randomize: true,
        signal,
        shouldRetry: ({ error }) => error instanceof RequestFailedError && error.retryable,
      },
    );
  }

  /** One HTTP request: counted, timed, and aborted when no byte arrives for `requestTimeout` ms. */
  private async request(signal: AbortSignal | undefined, run: (attemptSignal: AbortSignal, touch: () => void) => Promise<void>): Promise<void> {
    const controller = new AbortController();
    const attemptSignal = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    const timeout = this.options.requestTimeout;
    let timer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new TransientFault(`no response bytes for ${timeout} ms`, 'Timeout')), timeout);
    };
    touch();
    this.stats.requests++;
    const started = performance.now();
    try {
      await run(attemptSignal, touch);
    } catch (error) {
      if (controller.signal.aborted && !signal?.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
      this.stats.requestMs += performance.now() - started;
    }
  }
}
