import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { createObjectStateStandIns, type ObjectStateStandInOptions, type ObjectStateStandIns } from './object-state-stand-ins.js';
import { createTaggingStandIn } from './tagging-stand-in.js';

const require = createRequire(import.meta.url);
// s3rver is CommonJS and ships no types; these are the few members we use.
type KoaContext = {
  method: string;
  body: unknown;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | undefined>;
  req: { headers: Record<string, string | undefined> };
  store: S3rverStore;
};
type S3rverStore = {
  getMetadata(bucket: string, key: string): Promise<{ etag: string; 'content-length': number }>;
};
type Middleware = (context: KoaContext, next: () => Promise<void>) => Promise<void>;
type S3rverInstance = {
  middleware: Middleware[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3Event) => void): void;
  store: S3rverStore;
};
const S3rver = require('@20minutes/s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
const S3Error = require('@20minutes/s3rver/lib/models/error') as new (
  code: string,
  message: string,
  detail?: Record<string, unknown>,
) => Error;

/** The only credentials s3rver accepts. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_S3_REGION = 'us-east-1';

export interface LocalS3Options {
  /** Buckets created before the server answers. @default [] */
  readonly buckets?: readonly string[];
  /** Where objects are stored. @default a new temp dir, removed by stop() */
  readonly directory?: string;
  /** Port on 127.0.0.1. @default 0 (a random free port) */
  readonly port?: number;
  /** The object-state stand-ins' options (archive tiers, SSE-C, KMS denial, Object Lock: `object-state-stand-ins.ts`). */
  readonly objectStates?: ObjectStateStandInOptions;
}

export interface LocalS3 {
  readonly endpoint: string;
  readonly port: number;
  readonly directory: string;
  /** A ready configuration for `new S3Client(...)`; override `endpoint` to go through a proxy. */
  readonly clientConfig: S3ClientConfig;
  client(overrides?: S3ClientConfig): S3Client;
  /** What s3rver cannot produce, answered as AWS documents (`object-state-stand-ins.ts`): restore requests, refusals. */
  readonly objectStates: ObjectStateStandIns;
  /** Calls `listener` with each ObjectCreated notification (one record, AWS's shape). */
  onObjectCreated(listener: (event: S3Event) => void): () => void;
  /** Resolves with the first ObjectCreated record that satisfies `predicate`. */
  waitForObjectCreated(predicate: (record: S3EventRecord) => boolean, timeoutMs?: number): Promise<S3EventRecord>;
  stop(): Promise<void>;
}

/**
 * Starts an S3-protocol server (`@20minutes/s3rver`) on 127.0.0.1 with a random port.
 *
 * Known deviations from AWS that this helper adds on purpose, each the smallest fix our code
 * needs (see README "Local S3"):
 * 1. `Range: bytes=-N` (suffix) is rewritten to an absolute range (s3rver returned wrong bytes).
 * 2. A Range GET of a 0-byte object answers 416 InvalidRange, as S3 does (s3rver sent 200 + 1 byte).
 * 3. Conditional requests: If-Match on GET/HEAD, If-None-Match and If-Match on PUT, CopyObject and
 *    CompleteMultipartUpload, x-amz-copy-source-if-match on copies answer 412 PreconditionFailed.
 *    Writes to one key are serialised while the check runs, so check-then-write is atomic here,
 *    and reads of that key wait for the write: S3 never shows a half-written object.
 * 4. `x-amz-copy-source` is fully URL-decoded (s3rver used decodeURI, which keeps %2B %26 %2F) and
 *    a `?versionId=` suffix is dropped (s3rver has no versioning).
 * 5. Event records: the key is URL-encoded as S3 does (space as `+`), the bucket ARN is fixed,
 *    multipart completion is named `ObjectCreated:CompleteMultipartUpload`, copies carry eTag.
 *    Events are delivered asynchronously after the response, like S3's.
 * 6. XML bodies are escaped once, not twice (s3rver escaped `&` in keys to `&amp;amp;`).
 * 7. ListObjectsV2 continuation tokens are served through s3rver's V1 marker listing (its own
 *    tokens use DES, which Node 22's OpenSSL 3 refuses without the legacy provider).
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(path.join(tmpdir(), 'local-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    // The SDK signs canonical paths that s3rver re-encodes differently for some keys.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  // After s3rver's logger and XML body builder (so responses are still objects on the way back),
  // before its vhost handling and router.
  const compatibility = awsCompatibility(server.store);
  server.middleware.splice(2, 0, compatibility);
  server.middleware.splice(1, 0, undoDoubleXmlEscaping);
  // Stand-ins for what s3rver cannot produce (object states, tags), in front of the fixes above.
  const objectStates = createObjectStateStandIns(server.store as never, options.objectStates);
  server.middleware.splice(server.middleware.indexOf(compatibility), 0, objectStates.middleware as unknown as Middleware, createTaggingStandIn() as unknown as Middleware);

  const listeners = new Set<(event: S3Event) => void>();
  server.on('event', (raw) => {
    const event = toAwsEvent(raw);
    if (!event) return;
    setImmediate(() => {
      for (const listener of listeners) listener(event);
    });
  });

  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const clientConfig: S3ClientConfig = {
    endpoint,
    region: LOCAL_S3_REGION,
    credentials: LOCAL_S3_CREDENTIALS,
    forcePathStyle: true,
    // s3rver rejects aws-chunked uploads with trailing checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };

  return {
    endpoint,
    port: address.port,
    directory,
    clientConfig,
    client: (overrides = {}) => new S3Client({ ...clientConfig, ...overrides }),
    objectStates,
    onObjectCreated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitForObjectCreated(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching ObjectCreated event within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (event: S3Event) => {
          const record = event.Records[0];
          if (record && predicate(record)) {
            clearTimeout(timer);
            listeners.delete(listener);
            resolve(record);
          }
        };
        listeners.add(listener);
      });
    },
    async stop() {
      listeners.clear();
      await server.close();
      if (ownDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** S3's encoding of keys in event notifications: form-encoding, `/` kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

function toAwsEvent(raw: S3Event): S3Event | undefined {
  const record = raw.Records[0];
  if (!record || !record.eventName.startsWith('ObjectCreated:')) return undefined;
  const eventName = record.eventName === 'ObjectCreated:Post' ? 'ObjectCreated:CompleteMultipartUpload' : record.eventName;
  const bucket = record.s3.bucket.name;
  return {
    Records: [
      {
        ...record,
        eventName,
        s3: {
          ...record.s3,
          bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { ...record.s3.object, key: encodeEventKey(record.s3.object.key) },
        },
      },
    ],
  };
}

function awsCompatibility(store: S3rverStore): Middleware {
  const keyLocks = new Map<string, Promise<void>>();

  async function withKeyLock<T>(lockKey: string, action: () => Promise<T>): Promise<T> {
    const previous = keyLocks.get(lockKey) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => current);
    keyLocks.set(lockKey, chained);
    await previous;
    try {
      return await action();
    } finally {
      release();
      if (keyLocks.get(lockKey) === chained) keyLocks.delete(lockKey);
    }
  }

  async function etagOf(bucket: string, key: string): Promise<{ etag: string; size: number } | undefined> {
    try {
      const metadata = await store.getMetadata(bucket, key);
      return { etag: metadata.etag, size: Number(metadata['content-length']) };
    } catch {
      return undefined;
    }
  }

  const sameEtag = (header: string, etag: string) =>
    header === '*' || header.split(',').some((value) => value.trim().replace(/^W\//, '') === etag);

  const preconditionFailed = (condition: string) =>
    new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
      Condition: condition,
    });

  return async function awsCompatibilityMiddleware(context, next) {
    const [, bucket, ...keyParts] = context.path.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    if (bucket && !key && context.method === 'GET' && context.query['list-type'] === '2') return listV2(context, next);
    if (!bucket || !key) return next();
    const headers = context.req.headers;

    if (context.method === 'GET' || context.method === 'HEAD') {
      // s3rver writes an object's bytes in place, then its metadata: wait for an in-flight write to
      // this key so a read never sees half an object (S3 makes a write visible atomically).
      await keyLocks.get(`${bucket}/${key}`);
      const range = headers.range;
      const ifMatch = headers['if-match'];
      if (!range && !ifMatch) return next();
      const current = await etagOf(bucket, key);
      if (!current) return next(); // s3rver answers NoSuchKey
      if (ifMatch && !sameEtag(ifMatch, current.etag)) throw preconditionFailed('If-Match');
      if (range) {
        if (current.size === 0) {
          throw new S3Error('InvalidRange', 'The requested range is not satisfiable', {
            RangeRequested: range,
            ActualObjectSize: 0,
          });
        }
        const suffix = /^bytes=-(\d+)$/.exec(range);
        if (suffix) {
          const length = Math.min(Number(suffix[1]), current.size);
          headers.range = `bytes=${current.size - length}-${current.size - 1}`;
        }
      }
      return next();
    }

    const isCopy = context.method === 'PUT' && headers['x-amz-copy-source'] !== undefined;
    if (isCopy) {
      // s3rver decodes this with decodeURI; give it a value whose decodeURI is the real key.
      const source = decodeURIComponent(headers['x-amz-copy-source']!.replace(/\?versionId=.*$/, ''));
      headers['x-amz-copy-source'] = encodeURI(source);
    }
    const isPut = context.method === 'PUT' && !('partNumber' in context.query);
    const isComplete = context.method === 'POST' && 'uploadId' in context.query;
    const ifNoneMatch = headers['if-none-match'];
    const ifMatch = headers['if-match'];
    const copySourceIfMatch = isCopy ? headers['x-amz-copy-source-if-match'] : undefined;
    if (!(isPut || isComplete) || (!ifNoneMatch && !ifMatch && !copySourceIfMatch)) return next();

    return withKeyLock(`${bucket}/${key}`, async () => {
      if (copySourceIfMatch) {
        const sourcePath = decodeURI(headers['x-amz-copy-source']!).replace(/^\//, '');
        const [sourceBucket = '', ...sourceKey] = sourcePath.split('/');
        const source = await etagOf(sourceBucket, sourceKey.join('/'));
        if (source && !sameEtag(copySourceIfMatch, source.etag)) throw preconditionFailed('x-amz-copy-source-If-Match');
      }
      const current = await etagOf(bucket, key);
      if (ifNoneMatch && current && sameEtag(ifNoneMatch, current.etag)) throw preconditionFailed('If-None-Match');
      if (ifMatch && (!current || !sameEtag(ifMatch, current.etag))) throw preconditionFailed('If-Match');
      await next();
    });
  };
}

type ListBucketResult = Record<string, unknown> & { Contents?: unknown; IsTruncated?: boolean; NextMarker?: string };

async function listV2(context: KoaContext, next: () => Promise<void>): Promise<void> {
  const { 'list-type': _listType, 'continuation-token': token, 'start-after': startAfter, 'fetch-owner': _owner, ...rest } =
    context.query;
  const marker = typeof token === 'string' && token ? Buffer.from(token, 'base64url').toString('utf8') : startAfter;
  context.query = marker ? { ...rest, marker } : rest;
  await next();
  const body = context.body as { ListBucketResult?: ListBucketResult } | undefined;
  const result = body?.ListBucketResult;
  if (!result) return;
  const contents = result.Contents === undefined ? [] : Array.isArray(result.Contents) ? result.Contents : [result.Contents];
  const lastKey = result.NextMarker ?? (contents.at(-1) as { Key?: string } | undefined)?.Key;
  delete result.Marker;
  delete result.NextMarker;
  Object.assign(result, {
    ContinuationToken: typeof token === 'string' && token ? token : undefined,
    StartAfter: typeof token === 'string' && token ? undefined : startAfter,
    NextContinuationToken: result.IsTruncated && lastKey ? Buffer.from(lastKey, 'utf8').toString('base64url') : undefined,
    KeyCount: contents.length,
  });
}

/**
 * s3rver escapes XML text itself and then lets its XML builder escape it again. Every entity is
 * doubled, so removing one level everywhere gives exactly one correct level.
 */
async function undoDoubleXmlEscaping(context: KoaContext, next: () => Promise<void>): Promise<void> {
  await next();
  if (typeof context.body === 'string' && context.body.startsWith('<?xml')) {
    context.body = context.body.replace(/&amp;(amp|lt|gt|apos|quot|#\d+|#x[0-9a-f]+);/gi, '&$1;');
  }
}
