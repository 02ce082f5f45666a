/**
 * The soak: many uploads through the whole local stack (S3 server, ObjectCreated events, the built
 * function under the real Lambda runtime client, Lambda's async retries) while a proxy in front of
 * the function's S3 endpoint injects faults, every event arrives twice and some arrive late.
 * The verdict is read from the buckets alone.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type FaultKind,
  findCorpus,
  readCorpusTable,
  seededRandom,
  startFaultProxy,
  startLocalPipeline,
  startLocalS3,
} from '@photo-organizer/test-kit';
import type { S3Event } from 'aws-lambda';
import pMap from 'p-map';
import { makeDatedJpeg } from './generators.ts';
import {
  collectLogs,
  countCreations,
  inventoryDestination,
  LAMBDA_MEMORY_MB,
  listKeys,
  md5Of,
  outcomesBySource,
} from './outcomes.ts';

export interface SoakOptions {
  /** Number of uploads. */
  readonly uploads: number;
  /** Fraction of the function's eligible S3 requests that get a fault. @default 0.1 */
  readonly faultProbability?: number;
  /** Fraction of uploads that reuse an earlier file name (same day) with other bytes. @default 0.05 */
  readonly collisionRate?: number;
  /** Fraction of events held back and delivered after later ones. @default 0.1 */
  readonly reorderRate?: number;
  /** @default 8 */
  readonly concurrency?: number;
  /** @default 1 */
  readonly seed?: number;
  /** Progress lines go here. @default nothing */
  readonly log?: (line: string) => void;
}

export interface SoakResult {
  readonly uploads: number;
  readonly corpusUploads: number;
  readonly generatedUploads: number;
  readonly collisions: number;
  readonly deliveries: number;
  readonly duplicatesDelivered: number;
  readonly reordered: number;
  readonly invocations: number;
  readonly functionErrors: number;
  readonly proxiedRequests: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
  readonly faultsInjected: number;
  readonly faultsOnCopies: number;
  readonly failureQueue: readonly { readonly source: string; readonly attempts: number; readonly reason: string }[];
  readonly outcomes: Readonly<Record<string, number>>;
  readonly sourceObjects: number;
  readonly destinationObjects: number;
  /** Sources with no copy, no logged skip and no failure record. */
  readonly lost: readonly string[];
  /** Sources with more than one copy. */
  readonly duplicated: readonly string[];
  /** Copies whose bytes differ from the source their metadata names, or that name no source. */
  readonly mismatched: readonly string[];
  /** Destination keys created more than once. */
  readonly overwritten: readonly string[];
  /** Collisions that did not end as two copies, `name.ext` and `name-<n>.ext`. */
  readonly collisionProblems: readonly string[];
  readonly orphanMultipartUploads: number;
  readonly orphansWithoutAbort: number;
  readonly multipartCopies: number;
  readonly hung: number;
  readonly timeouts: number;
  readonly crashes: number;
  readonly peakRssBytes: number;
  readonly memorySizeMb: number;
  readonly durationMs: number;
  /** For each problem source: its log lines and the function's S3 requests naming it. */
  readonly evidence: Readonly<Record<string, readonly string[]>>;
}

interface PlannedUpload {
  readonly key: string;
  readonly body: Buffer;
  readonly origin: 'corpus' | 'generated' | 'collision';
  /** For a collision: the key of the upload whose name it shares. */
  readonly twinOf?: string;
}

const FAULT_KINDS: readonly FaultKind[] = ['slowdown', 'internal', 'reset-mid-body', 'slow-first-byte'];
const MiB = 1024 * 1024;

/** Corpus media files (bytes read once), in manifest order. */
async function corpusFiles(corpus: string): Promise<{ name: string; body: Buffer }[]> {
  const rows = readCorpusTable(corpus, 'manifest.tsv');
  return Promise.all(rows.map(async (row) => ({ name: path.basename(row['path']!), body: await readFile(path.join(corpus, row['path']!)) })));
}

/** Builds the upload plan: corpus files under unique names, generated dated JPEGs, same-name twins. */
export async function planUploads(count: number, seed: number, collisionRate: number): Promise<PlannedUpload[]> {
  const random = seededRandom(seed);
  const corpus = findCorpus();
  const files = corpus ? await corpusFiles(corpus) : [];
  const plan: PlannedUpload[] = [];
  const generated: { key: string; name: string; date: Date }[] = [];
  for (let index = 0; index < count; index++) {
    const folder = `batch-${String(index % 37).padStart(2, '0')}`;
    if (generated.length > 0 && random() < collisionRate) {
      // A burst shot: same file name, same second, other bytes, from another folder (camera).
      const twin = generated[Math.floor(random() * generated.length)]!;
      const body = makeDatedJpeg({ captureDate: twin.date, nonce: `collision ${index} ${random()}`, padBytes: Math.floor(random() * 4096) });
      plan.push({ key: `twins-${index}/${twin.name}`, body, origin: 'collision', twinOf: twin.key });
      continue;
    }
    if (files.length > 0 && random() < 0.5) {
      const file = files[Math.floor(random() * files.length)]!;
      const dot = file.name.lastIndexOf('.');
      const name = dot > 0 ? `${file.name.slice(0, dot)}-u${index}${file.name.slice(dot)}` : `${file.name}-u${index}`;
      plan.push({ key: `${folder}/${name}`, body: file.body, origin: 'corpus' });
      continue;
    }
    const date = new Date(Date.UTC(2000 + Math.floor(random() * 25), Math.floor(random() * 12), 1 + Math.floor(random() * 28), Math.floor(random() * 24), Math.floor(random() * 60), Math.floor(random() * 60)));
    const name = `IMG_${String(index).padStart(5, '0')}.JPG`;
    // Mostly small; one in twenty above the multipart threshold (1 MiB) used by the soak.
    const padBytes = random() < 0.05 ? MiB + Math.floor(random() * MiB) : Math.floor(random() * 64 * 1024);
    const key = `${folder}/${name}`;
    plan.push({ key, body: makeDatedJpeg({ captureDate: date, nonce: `upload ${index} ${random()}`, padBytes }), origin: 'generated' });
    generated.push({ key, name, date });
  }
  return plan;
}

/** Delivers every event twice; holds some copies back until a few later events went out. */
function makeDelivery(total: number, reorderRate: number, seed: number) {
  const random = seededRandom(seed ^ 0x5eed);
  const held: { event: S3Event; releaseAt: number }[] = [];
  let arrived = 0;
  const counters = { deliveries: 0, duplicates: 0, reordered: 0 };
  const deliver = (event: S3Event): readonly S3Event[] => {
    arrived++;
    const out: S3Event[] = [];
    const last = arrived >= total;
    for (let index = held.length - 1; index >= 0; index--) {
      if (last || held[index]!.releaseAt <= arrived) out.push(...held.splice(index, 1).map((entry) => entry.event));
    }
    if (!last && random() < reorderRate) {
      // Both copies arrive after later uploads' events.
      held.push({ event, releaseAt: arrived + 1 + Math.floor(random() * 20) }, { event, releaseAt: arrived + 1 + Math.floor(random() * 40) });
      counters.reordered++;
    } else {
      out.push(event, event);
    }
    counters.duplicates++;
    counters.deliveries += out.length;
    return out;
  };
  return { deliver, counters, held };
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** Runs the soak and returns every figure; asserts nothing (the caller decides what fails). */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  const plan = await planUploads(options.uploads, seed, options.collisionRate ?? 0.05);
  const s3 = await startLocalS3({ buckets: ['uploads', 'library'] });
  // function -> fault proxy -> S3 (test-kit's local S3 makes writes visible atomically, as S3 does)
  const proxy = await startFaultProxy({
    target: s3.endpoint,
    faults: { probability: options.faultProbability ?? 0.1, kinds: FAULT_KINDS, seed },
    // Reads (GET/HEAD) and the copy path (CopyObject, UploadPartCopy, CompleteMultipartUpload).
    filter: ({ method, path: requestPath, headers }) =>
      method === 'GET' || method === 'HEAD' || (method === 'PUT' && headers['x-amz-copy-source'] !== undefined) || (method === 'POST' && requestPath.includes('uploadId=')),
    slowFirstByteMs: 1500,
  });
  const delivery = makeDelivery(plan.length, options.reorderRate ?? 0.1, seed);
  const memorySizeMb = LAMBDA_MEMORY_MB;
  const pipeline = await startLocalPipeline({
    s3,
    sourceBucket: 'uploads',
    destinationBucket: 'library',
    functionS3Endpoint: proxy.endpoint,
    concurrency: options.concurrency ?? 8,
    timeoutMs: 60_000,
    memorySizeMb,
    retryDelayMs: 200,
    deliver: delivery.deliver,
    environment: { MULTIPART_THRESHOLD_BYTES: String(MiB), MULTIPART_PART_SIZE_BYTES: String(5 * MiB) },
  });
  const logs = collectLogs(pipeline.runtime);
  const creations = countCreations(s3, 'library');
  const client = s3.client();
  try {
    let uploaded = 0;
    await pMap(plan, async (upload) => {
      await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: upload.key, Body: upload.body }));
      if (++uploaded % 250 === 0) log(`uploaded ${uploaded}/${plan.length}`);
    }, { concurrency: 4 });
    log(`all ${plan.length} uploaded; waiting for the function`);
    // Hung = deliveries still running when this deadline passes (the function's own timeout is 60 s).
    const deadline = Math.max(120_000, plan.length * 200);
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      pipeline.idle().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadline))),
    ]);
    clearTimeout(timer);
    const settledInvocations = pipeline.invocations.length;
    log(`function idle after ${pipeline.invocations.length} invocations; checking the buckets`);

    // --- The verdict, from the buckets alone. ---
    const sourceKeys = await listKeys(client, 'uploads');
    const sourceMd5 = new Map<string, string>();
    await pMap(sourceKeys, async (key) => sourceMd5.set(key, await md5Of(client, 'uploads', key)), { concurrency: 8 });
    const destination = await inventoryDestination(client, 'library');
    const copiesBySource = new Map<string, string[]>();
    const mismatched: string[] = [];
    for (const object of destination) {
      const source = object.sourceKey;
      if (source === undefined || !sourceMd5.has(source) || sourceMd5.get(source) !== object.md5) {
        mismatched.push(`${object.key} (names source ${String(source)})`);
        continue;
      }
      copiesBySource.set(source, [...(copiesBySource.get(source) ?? []), object.key]);
    }
    const logged = outcomesBySource(logs.entries);
    const failureQueue = pipeline.failures.map((failure) => ({
      source: decodeURIComponent((failure.event.Records[0]?.s3.object.key ?? '').replace(/\+/g, ' ')),
      attempts: failure.attempts,
      reason: `${failure.error.errorType}: ${failure.error.errorMessage}`,
    }));
    const failed = new Set(failureQueue.map((failure) => failure.source));
    const outcomes: Record<string, number> = { organized: 0, 'organized-undated': 0, failed: 0 };
    const lost: string[] = [];
    const duplicated: string[] = [];
    for (const key of sourceKeys) {
      const copies = copiesBySource.get(key) ?? [];
      if (copies.length > 1) duplicated.push(`${key} -> ${copies.join(', ')}`);
      if (copies.length >= 1) {
        outcomes[copies[0]!.startsWith('undated/') ? 'organized-undated' : 'organized']!++;
        continue;
      }
      const outcome = logged.get(`s3://uploads/${key}`);
      if (outcome?.kind === 'skipped' && outcome.reason !== 'object-gone') {
        const kind = `skipped: ${outcome.reason}`;
        outcomes[kind] = (outcomes[kind] ?? 0) + 1;
      } else if (failed.has(key)) {
        outcomes['failed']!++;
      } else {
        lost.push(key);
      }
    }
    const overwritten = [...creations.creations].filter(([, count]) => count > 1).map(([key, count]) => `${key} (created ${count} times)`);

    const collisionProblems: string[] = [];
    for (const upload of plan.filter((item) => item.origin === 'collision')) {
      const mine = copiesBySource.get(upload.key)?.[0];
      const theirs = copiesBySource.get(upload.twinOf!)?.[0];
      if (failed.has(upload.key) || failed.has(upload.twinOf!)) continue; // accounted for in the failure queue
      if (!mine || !theirs || mine === theirs || path.posix.dirname(mine) !== path.posix.dirname(theirs)) {
        collisionProblems.push(`${upload.key} -> ${String(mine)}; ${upload.twinOf} -> ${String(theirs)}`);
        continue;
      }
      const stem = (key: string) => path.posix.basename(key).replace(/(-\d+)?(\.[^.]*)$/, '$2');
      if (stem(mine) !== stem(theirs)) collisionProblems.push(`${mine} and ${theirs} do not share a name`);
    }

    // Multipart uploads left behind in the destination (s3rver keeps them on disk), and whether the
    // function at least tried to abort each (s3rver answers 405 to AbortMultipartUpload).
    const uploadsDir = path.join(s3.directory, 'library', '._S3rver_uploads');
    const orphanIds = await readdir(uploadsDir).catch(() => [] as string[]);
    const aborted = new Set(
      proxy.requests.filter((request) => request.method === 'DELETE' && request.path.includes('uploadId=')).map((request) => new URL(request.path, 'http://x').searchParams.get('uploadId')),
    );
    const multipartCopies = proxy.requests.filter((request) => request.method === 'POST' && /[?&]uploads(=|&|$)/.test(request.path)).length;
    const faults = { ...proxy.stats.faults };

    // Sanity: what was uploaded is what the source bucket holds.
    for (const upload of plan) {
      if (sourceMd5.get(upload.key) !== md5(upload.body)) throw new Error(`source object ${upload.key} does not hold what was uploaded`);
    }

    const evidence: Record<string, string[]> = {};
    const problemKeys = [...lost, ...duplicated.map((line) => line.split(' -> ')[0]!), ...collisionProblems.map((line) => line.split(' -> ')[0]!)];
    for (const key of problemKeys.slice(0, 10)) {
      const name = path.posix.basename(key);
      const encoded = encodeURIComponent(name).replace(/\(/g, '%28').replace(/\)/g, '%29');
      evidence[key] = [
        ...logs.lines.filter((line) => line.includes(name)).map((line) => `log: ${line.slice(0, 600)}`),
        ...proxy.requests
          .filter((request) => request.path.includes(encoded) || request.path.includes(encodeURIComponent(name)))
          .map((request) => `s3: ${Math.round(request.at)}ms ${request.method} ${request.path.slice(0, 200)}${request.copy ? ' (copy)' : ''}${request.fault ? ` FAULT ${request.fault}` : ''}`),
      ];
    }

    return {
      evidence,
      uploads: plan.length,
      corpusUploads: plan.filter((item) => item.origin === 'corpus').length,
      generatedUploads: plan.filter((item) => item.origin === 'generated').length,
      collisions: plan.filter((item) => item.origin === 'collision').length,
      deliveries: delivery.counters.deliveries,
      duplicatesDelivered: delivery.counters.deliveries - delivery.counters.duplicates,
      reordered: delivery.counters.reordered,
      invocations: settledInvocations,
      functionErrors: pipeline.invocations.filter((invocation) => invocation.error).length,
      proxiedRequests: proxy.requests.length,
      faults,
      faultsInjected: Object.values(faults).reduce((sum, count) => sum + count, 0),
      faultsOnCopies: proxy.requests.filter((request) => request.fault && (request.copy || request.method === 'POST')).length,
      failureQueue,
      outcomes,
      sourceObjects: sourceKeys.length,
      destinationObjects: destination.length,
      lost,
      duplicated,
      mismatched,
      overwritten,
      collisionProblems,
      orphanMultipartUploads: orphanIds.length,
      orphansWithoutAbort: orphanIds.filter((id) => !aborted.has(id)).length,
      multipartCopies,
      // An invocation Lambda had to kill at its timeout hung; so did a delivery still running at the deadline.
      hung: (finished ? 0 : 1) + pipeline.runtime.stats.timeouts,
      timeouts: pipeline.runtime.stats.timeouts,
      crashes: pipeline.runtime.stats.crashes,
      peakRssBytes: pipeline.runtime.peakRssBytes(),
      memorySizeMb,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    logs.stop();
    creations.stop();
    await pipeline.stop();
    await proxy.stop();
    await s3.stop();
  }
}
