import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { createObjectStateStandIns, type ObjectStateStandInOptions, type ObjectStateStandIns } from './object-state-stand-ins.js';
import { type Middleware, type S3rverStore, s3rverCompatibility, toS3Event } from './s3rver-compatibility/index.js';
import { createTaggingStandIn } from './tagging-stand-in.js';

const require = createRequire(import.meta.url);
// s3rver is CommonJS and ships no types; these are the few members used here.
type S3rverInstance = {
  middleware: Middleware[];
  store: S3rverStore;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3Event) => void): void;
};
const S3rver = require('@20minutes/s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

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
 * Starts an S3-protocol server (`@20minutes/s3rver`) on 127.0.0.1 with a random port, behind one
 * middleware (`src/s3rver-compatibility/`) that makes it behave as S3 does for everything this
 * project relies on: conditional writes and deletes, checksums, multipart uploads (list, abort,
 * resume), ListObjectsV2 and event records. Each behaviour, with the AWS page it follows, is
 * listed in the README ("Local S3"); what is still not S3 is listed there too.
 *
 * @example
 * ```ts
 * const s3 = await startLocalS3({ buckets: ['source', 'dest'] });
 * await s3.client().send(new PutObjectCommand({ Bucket: 'source', Key: 'a.jpg', Body: 'x' }));
 * await s3.stop();
 * ```
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
  const scratchDirectory = await mkdtemp(path.join(tmpdir(), 'local-s3-scratch-'));
  const listeners = new Set<(event: S3Event) => void>();
  // Delivered after the response, as S3's notifications are.
  const deliver = (event: S3Event) =>
    setImmediate(() => {
      for (const listener of listeners) listener(event);
    });
  // In front of every s3rver middleware: it sees each request first and s3rver's answer last.
  server.middleware.unshift(
    s3rverCompatibility({
      store: server.store,
      directory,
      scratchDirectory,
      onObjectCreated: (created) => deliver(toS3Event(created, LOCAL_S3_REGION)),
    }),
  );
  // Stand-ins for what s3rver cannot produce (object states, tags), in front of everything above.
  const objectStates = createObjectStateStandIns(server.store, options.objectStates);
  server.middleware.unshift(objectStates.middleware as Middleware, createTaggingStandIn() as Middleware);
  // The one creation s3rver still serves itself: browser-form POST uploads.
  server.on('event', (raw) => {
    const record = raw.Records[0];
    if (record?.eventName !== 'ObjectCreated:Post') return;
    const object = record.s3.object;
    deliver(toS3Event({ eventName: 'ObjectCreated:Post', bucket: record.s3.bucket.name, key: object.key, size: object.size, eTag: object.eTag }, LOCAL_S3_REGION));
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
      await rm(scratchDirectory, { recursive: true, force: true });
      if (ownDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

export { encodeEventKey } from './s3rver-compatibility/index.js';
