/**
 * What happened to each upload, read back from the function's log lines and from the buckets.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import type { LambdaRuntime } from '@photo-organizer/test-kit';

/** The default Lambda settings of the Terraform module (infra/modules/photo-organizer). */
export const LAMBDA_MEMORY_MB = 1024;

/** One JSON line the organizer logged (see packages/organizer/src/logger.ts). */
export interface LogEntry {
  readonly level: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

/**
 * Collects every log line from the start (the runtime itself keeps only the last 10,000).
 * Returns the parsed entries, the raw lines and an unsubscribe function.
 */
export function collectLogs(runtime: LambdaRuntime): { entries: LogEntry[]; lines: string[]; stop: () => void } {
  const entries: LogEntry[] = [];
  const lines: string[] = [];
  const stop = runtime.onLog(({ line, stream }) => {
    if (stream === 'platform') return;
    lines.push(line);
    const start = line.indexOf('{"level"');
    if (start < 0) return;
    try {
      entries.push(JSON.parse(line.slice(start)) as LogEntry);
    } catch {
      // A line that only starts like ours: not an organizer entry.
    }
  });
  return { entries, lines, stop };
}

/** The definite outcome the function logged for one source object. */
export type LoggedOutcome =
  | { readonly kind: 'organized'; readonly target: string; readonly undated: boolean; readonly metadataError?: string }
  | { readonly kind: 'skipped'; readonly reason: string; readonly detail?: string };

/** The last `organized` or `skipped` entry per source URL (`s3://bucket/key`). */
export function outcomesBySource(entries: readonly LogEntry[]): Map<string, LoggedOutcome> {
  const outcomes = new Map<string, LoggedOutcome>();
  for (const entry of entries) {
    const source = entry['source'];
    if (typeof source !== 'string') continue;
    if (entry.message === 'organized' && entry['status'] === 'organized') {
      const targetKey = String(entry['targetKey']);
      const metadataError = typeof entry['metadataError'] === 'string' ? entry['metadataError'] : undefined;
      outcomes.set(source, {
        kind: 'organized',
        target: targetKey,
        undated: entry['captureDate'] === null,
        ...(metadataError ? { metadataError } : {}),
      });
    } else if (entry.message === 'skipped' && entry['status'] === 'skipped') {
      const detail = typeof entry['detail'] === 'string' ? entry['detail'] : undefined;
      outcomes.set(source, { kind: 'skipped', reason: String(entry['reason']), ...(detail ? { detail } : {}) });
    }
  }
  return outcomes;
}

export async function listKeys(client: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
  }
  return keys.sort();
}

/** A read for the verdict that takes longer than this names its key instead of hanging the run. */
const VERDICT_READ_TIMEOUT_MS = 120_000;

export async function md5Of(client: S3Client, bucket: string, key: string): Promise<string> {
  const signal = AbortSignal.timeout(VERDICT_READ_TIMEOUT_MS);
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    const hash = createHash('md5');
    for await (const chunk of object.Body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      signal.throwIfAborted();
    }
    return hash.digest('hex');
  } catch (error) {
    if (signal.aborted) throw new Error(`reading s3://${bucket}/${key} for the verdict took over ${VERDICT_READ_TIMEOUT_MS} ms`, { cause: error });
    throw error;
  }
}

export interface DestinationObject {
  readonly key: string;
  readonly md5: string;
  readonly size: number;
  /** `source-key` metadata, decoded; undefined when the organizer had to omit it (very long keys). */
  readonly sourceKey: string | undefined;
  readonly sourceEtag: string | undefined;
}

/** Every organized copy with its checksum and the source its metadata names. */
export async function inventoryDestination(client: S3Client, bucket: string): Promise<DestinationObject[]> {
  const keys = await listKeys(client, bucket);
  return pMap(keys, async (key) => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const rawSourceKey = head.Metadata?.['source-key'];
    const sourceKey = rawSourceKey === undefined || rawSourceKey.startsWith('(omitted') ? undefined : decodeURIComponent(rawSourceKey);
    return { key, md5: await md5Of(client, bucket, key), size: head.ContentLength ?? -1, sourceKey, sourceEtag: head.Metadata?.['source-etag'] };
  }, { concurrency: 8 });
}

/**
 * Watches the destination bucket's ObjectCreated events: a key created twice was overwritten.
 * Keeps each creation's eTag too (an md5 of the bytes for a single-part write), so a rewrite with
 * the same bytes can be told from one with other bytes.
 */
export function countCreations(s3: { onObjectCreated(listener: (event: import('aws-lambda').S3Event) => void): () => void }, bucket: string) {
  const creations = new Map<string, number>();
  const eTags = new Map<string, string[]>();
  const stop = s3.onObjectCreated((event) => {
    const record = event.Records[0];
    if (!record || record.s3.bucket.name !== bucket) return;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    creations.set(key, (creations.get(key) ?? 0) + 1);
    eTags.set(key, [...(eTags.get(key) ?? []), String(record.s3.object.eTag ?? '').replace(/"/g, '')]);
  });
  return { creations, eTags, stop };
}
