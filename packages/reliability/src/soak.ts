/**
 * The soak: many uploads through the whole local stack (S3 server, ObjectCreated events, the built
 * function under the real Lambda runtime client, Lambda's async retries) while the user re-uploads
 * and deletes keys the function is working on, a proxy in front of the function's S3 endpoint
 * injects faults into every kind of request, every event arrives twice and some arrive late.
 * The verdict is by bytes: a ledger of every version uploaded against what the buckets hold.
 */
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { findCorpus, readCorpusTable, seededRandom, startFaultProxy, startLocalPipeline, startLocalS3 } from '@photo-organizer/test-kit';
import type { S3Event } from 'aws-lambda';
import pMap from 'p-map';
import { readFile, readdir } from 'node:fs/promises';
import { makeDatedJpeg } from './generators.ts';
import { makeInterposer } from './interposer.ts';
import { judgeByBytes, Ledger, type LedgerVersion, type LibraryCopy, type VersionFate } from './ledger.ts';
import { collectLogs, countCreations, LAMBDA_MEMORY_MB, listKeys, md5Of } from './outcomes.ts';
import type { RequestKind } from './request-kinds.ts';

/** What the user does to a key while the function works on it. */
export type Mutation =
  /** Re-upload other bytes just before the function's DeleteObject of the key reaches S3 (move mode; the race of issue 13). */
  | 'reupload-at-delete'
  /** Re-upload other bytes shortly after the function's first GET of the key. */
  | 'reupload-while-read'
  /** Re-upload other bytes 0-2.5 s after the first upload, whatever the function is doing. */
  | 'reupload-soon'
  /** Delete the key shortly after the function's first GET of it. */
  | 'delete-while-read'
  /** Delete the key 0-2.5 s after the upload. */
  | 'delete-soon';

const MUTATIONS: readonly Mutation[] = ['reupload-at-delete', 'reupload-while-read', 'reupload-soon', 'delete-while-read', 'delete-soon'];

export interface SoakOptions {
  /** Number of planned uploads (re-uploads come on top). */
  readonly uploads: number;
  /** @default 1 */
  readonly seed?: number;
  /** The function's MOVE setting: delete the source after a verified copy. @default false */
  readonly move?: boolean;
  /** The function's SIDECAR setting: a `<copy>.json` next to each copy. @default false */
  readonly sidecar?: boolean;
  /** Fault probability for HEAD, GET, COPY, UploadPartCopy. @default 0.1 */
  readonly faultProbability?: number;
  /** Fault probability for multipart create/complete/abort, DeleteObject, PutObject, List. @default 0.25 */
  readonly rareFaultProbability?: number;
  /** Probability that one SDK request fails on every SDK attempt, failing the invocation. @default 0.05 */
  readonly hardFailureRate?: number;
  /** Fraction of generated uploads the user re-uploads or deletes while the function works on them. @default 0.25 */
  readonly mutationRate?: number;
  /** Fraction of uploads that reuse an earlier file name (same day) with other bytes, from another folder. @default 0.05 */
  readonly collisionRate?: number;
  /** Fraction of events held back and delivered after later ones. @default 0.1 */
  readonly reorderRate?: number;
  /** @default 8 */
  readonly concurrency?: number;
  /** Progress lines go here. @default nothing */
  readonly log?: (line: string) => void;
}

export interface SoakResult {
  readonly seed: number;
  readonly move: boolean;
  readonly sidecar: boolean;
  readonly uploads: number;
  readonly corpusUploads: number;
  readonly generatedUploads: number;
  readonly collisions: number;
  /** Versions uploaded in all (first uploads and re-uploads). */
  readonly versionsUploaded: number;
  /** Re-uploads of a key with other bytes while the function worked on it, by mutation. */
  readonly reuploads: Readonly<Record<string, number>>;
  /** Deletes by the user while the function worked on the key, by mutation. */
  readonly userDeletes: Readonly<Record<string, number>>;
  /** Mutations planned whose trigger request never came (the function never sent it). */
  readonly mutationsNotTriggered: number;
  readonly deliveries: number;
  readonly duplicatesDelivered: number;
  readonly reordered: number;
  readonly invocations: number;
  readonly functionErrors: number;
  /** Invocations that were Lambda's async retry of a failed one (function errors minus failure-queue entries). */
  readonly lambdaRetries: number;
  readonly proxiedRequests: number;
  readonly requestsByKind: Readonly<Record<RequestKind, number>>;
  readonly faultsByKind: Readonly<Record<RequestKind, number>>;
  /** Faults that were one SDK request failed on every attempt, by the kind of request. */
  readonly hardFailedRequestsByKind: Readonly<Record<RequestKind, number>>;
  readonly faults: Readonly<Record<string, number>>;
  readonly faultsInjected: number;
  readonly failureQueue: readonly { readonly source: string; readonly attempts: number; readonly reason: string }[];
  /** Each version's fate, counted. */
  readonly fates: Readonly<Record<VersionFate, number>>;
  /** Logged skips by reason, and those whose reason S3 does not confirm. */
  readonly skips: Readonly<Record<string, number>>;
  readonly unverifiedSkips: readonly string[];
  readonly sourceObjects: number;
  readonly destinationObjects: number;
  /** Versions neither in the library byte-identical nor in the source, for no reason S3 confirms. */
  readonly lost: readonly string[];
  /** Versions with more than one copy in the library (copy-source races apart, unless a copy was unconditional). */
  readonly duplicated: readonly string[];
  /** Duplicates made by a copy that read its source mid-rewrite although it was conditional on the source's ETag (see ledger.ts). */
  readonly duplicatedByCopySourceRace: readonly string[];
  /** CopyObject / UploadPartCopy requests the function sent without `x-amz-copy-source-if-match`. */
  readonly unconditionalCopies: number;
  /** Library copies whose bytes match no version uploaded under the key their metadata names (copy-source races apart, unless a copy was unconditional). */
  readonly mismatched: readonly string[];
  /** Of those, copies conditional on the source's ETag that hold other bytes than it names (torn by the local server's copy-source race). */
  readonly mismatchedByCopySourceRace: readonly string[];
  /** Photo keys in the library created more than once. */
  readonly overwritten: readonly string[];
  /** Sidecar keys written again with other bytes, or describing another version than their photo's. */
  readonly sidecarsOverwritten: readonly string[];
  /** Sidecar keys written again with the same bytes (an unconditional PutObject, harmless but counted). */
  readonly sidecarRewritesSameBytes: number;
  /** Photos without a sidecar (sidecar mode) and sidecars without a photo. */
  readonly sidecarProblems: readonly string[];
  /** Photos without a sidecar whose event is in the failure queue (a redrive writes it) or whose copy is torn. */
  readonly sidecarsAwaitingRedrive: number;
  /** Move mode: copies whose source is still there. */
  readonly copiedNotMoved: number;
  /** Collisions that did not end as two copies, `name.ext` and `name-<n>.ext`. */
  readonly collisionProblems: readonly string[];
  readonly orphanMultipartUploads: number;
  /**
   * Multipart uploads left on the server whose id the function used but never aborted: a copy cut
   * off by a fault keeps its upload so the retry can resume it (organizer's resumable copy); one no
   * retry resumed is left to the bucket's AbortIncompleteMultipartUpload lifecycle rule.
   */
  readonly orphansWithoutAbort: number;
  /** Multipart uploads left on the server whose id the function never saw (a fault cut off the CreateMultipartUpload answer). */
  readonly orphansUnknownToFunction: number;
  readonly multipartCopies: number;
  readonly hung: number;
  readonly timeouts: number;
  readonly crashes: number;
  readonly peakRssBytes: number;
  readonly memorySizeMb: number;
  readonly durationMs: number;
  /** For each problem: its ledger entries, log lines and the function's S3 requests naming it. */
  readonly evidence: Readonly<Record<string, readonly string[]>>;
}

interface PlannedUpload {
  readonly key: string;
  readonly body: Buffer;
  readonly origin: 'corpus' | 'generated' | 'collision';
  /** For a collision: the key of the upload whose name it shares. */
  readonly twinOf?: string;
  readonly mutation?: Mutation;
  /** A number in [0, 1) for the mutation's timing and bytes. */
  readonly mutationDraw?: number;
}

const MiB = 1024 * 1024;
const FLUSH_PREFIX = '_soak/';

/** Corpus media files (bytes read once), in manifest order. */
async function corpusFiles(corpus: string): Promise<{ name: string; body: Buffer }[]> {
  const rows = readCorpusTable(corpus, 'manifest.tsv');
  return Promise.all(rows.map(async (row) => ({ name: path.basename(row['path']!), body: await readFile(path.join(corpus, row['path']!)) })));
}

const randomDate = (random: () => number) =>
  new Date(Date.UTC(2000 + Math.floor(random() * 25), Math.floor(random() * 12), 1 + Math.floor(random() * 28), Math.floor(random() * 24), Math.floor(random() * 60), Math.floor(random() * 60)));
/** Mostly small; one in twenty above the multipart threshold (1 MiB) used by the soak. */
const padFor = (random: () => number) => (random() < 0.05 ? MiB + Math.floor(random() * MiB) : Math.floor(random() * 64 * 1024));

/** Builds the upload plan: corpus files under unique names, generated dated JPEGs (some mutated later), same-name twins. */
export async function planUploads(count: number, seed: number, collisionRate: number, mutationRate = 0): Promise<PlannedUpload[]> {
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
    const date = randomDate(random);
    const name = `IMG_${String(index).padStart(5, '0')}.JPG`;
    const key = `${folder}/${name}`;
    const body = makeDatedJpeg({ captureDate: date, nonce: `upload ${index} ${random()}`, padBytes: padFor(random) });
    const mutated = random() < mutationRate;
    const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)]!;
    const mutationDraw = random();
    if (mutated) {
      plan.push({ key, body, origin: 'generated', mutation, mutationDraw });
    } else {
      plan.push({ key, body, origin: 'generated' });
      // Only keys the user leaves alone serve as a burst's twin: the twin check needs both copies.
      generated.push({ key, name, date });
    }
  }
  return plan;
}

/** Delivers every event twice; holds some copies back until later events went out, or until the flush. */
function makeDelivery(reorderRate: number, seed: number) {
  const random = seededRandom(seed ^ 0x5eed);
  const held: { event: S3Event; releaseAt: number }[] = [];
  let arrived = 0;
  let draining = false;
  const counters = { deliveries: 0, events: 0, reordered: 0 };
  const deliver = (event: S3Event): readonly S3Event[] => {
    const key = decodeURIComponent((event.Records[0]?.s3.object.key ?? '').replace(/\+/g, ' '));
    if (key.startsWith(FLUSH_PREFIX)) {
      // The soak's flush marker, not an upload: everything held back goes out now.
      draining = true;
      const out = held.splice(0).map((entry) => entry.event);
      counters.deliveries += out.length;
      return out;
    }
    arrived++;
    counters.events++;
    const out: S3Event[] = [];
    for (let index = held.length - 1; index >= 0; index--) {
      if (held[index]!.releaseAt <= arrived) out.push(...held.splice(index, 1).map((entry) => entry.event));
    }
    if (!draining && random() < reorderRate) {
      // Both copies arrive after later uploads' events.
      held.push({ event, releaseAt: arrived + 1 + Math.floor(random() * 20) }, { event, releaseAt: arrived + 1 + Math.floor(random() * 40) });
      counters.reordered++;
    } else {
      out.push(event, event);
    }
    counters.deliveries += out.length;
    return out;
  };
  return { deliver, counters };
}

async function md5OrUndefined(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    return await md5Of(client, bucket, key);
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}

interface LibraryEntry extends LibraryCopy {
  readonly sourceEtag: string | undefined;
}
interface SidecarEntry {
  readonly key: string;
  readonly sourceKey: string | undefined;
  readonly sourceEtag: string | undefined;
}

/** Every object in the library: photo copies (they carry `source-key`) and sidecars (`<copy>.json`). */
async function readLibrary(client: S3Client, bucket: string): Promise<{ photos: LibraryEntry[]; sidecars: SidecarEntry[]; other: string[] }> {
  const keys = await listKeys(client, bucket);
  const photos: LibraryEntry[] = [];
  const sidecars: SidecarEntry[] = [];
  const other: string[] = [];
  await pMap(keys, async (key) => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const rawSourceKey = head.Metadata?.['source-key'];
    if (rawSourceKey !== undefined) {
      const sourceKey = rawSourceKey.startsWith('(omitted') ? undefined : decodeURIComponent(rawSourceKey);
      photos.push({ key, md5: await md5Of(client, bucket, key), sourceKey, sourceEtag: head.Metadata?.['source-etag'] });
    } else if (key.endsWith('.json')) {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = JSON.parse(await object.Body!.transformToString()) as { source?: { key?: string; eTag?: string } };
      sidecars.push({ key, sourceKey: body.source?.key, sourceEtag: body.source?.eTag?.replace(/"/g, '') });
    } else if (key.startsWith('.photo-organizer/moved/') && key.endsWith('.moved') && head.Metadata?.['organized-by'] !== undefined) {
      // A move pointer (issue 18): where a moved source went, for companions arriving later.
    } else {
      other.push(key);
    }
  }, { concurrency: 8 });
  return { photos, sidecars, other };
}

/** Runs the soak and returns every figure; asserts nothing (the caller decides what fails). */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  const move = options.move ?? false;
  const sidecar = options.sidecar ?? false;
  const plan = await planUploads(options.uploads, seed, options.collisionRate ?? 0.05, options.mutationRate ?? 0.25);
  const s3 = await startLocalS3({ buckets: ['uploads', 'library'] });
  const client = s3.client();
  const ledger = new Ledger();
  const interposer = makeInterposer({
    sourceBucket: 'uploads',
    seed,
    faultProbability: options.faultProbability ?? 0.1,
    rareFaultProbability: options.rareFaultProbability ?? 0.25,
    hardFailureRate: options.hardFailureRate ?? 0.05,
  });
  // function -> fault proxy (faults and the user's actions from the interposer) -> S3 (test-kit's local S3 makes writes visible atomically, as S3 does)
  const proxy = await startFaultProxy({ target: s3.endpoint, chooseFault: interposer.chooseFault, beforeForward: interposer.beforeForward, slowFirstByteMs: 1500 });
  const delivery = makeDelivery(options.reorderRate ?? 0.1, seed);
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
    environment: {
      MULTIPART_THRESHOLD_BYTES: String(MiB),
      MULTIPART_PART_SIZE_BYTES: String(5 * MiB),
      ...(move ? { MOVE: 'true' } : {}),
      ...(sidecar ? { SIDECAR: 'true' } : {}),
    },
  });
  const logs = collectLogs(pipeline.runtime);
  const creations = countCreations(s3, 'library');
  const reuploads: Record<string, number> = {};
  const userDeletes: Record<string, number> = {};

  const reupload = (upload: PlannedUpload, mutation: Mutation) => async () => {
    const random = seededRandom(Math.floor((upload.mutationDraw ?? 0) * 2 ** 31));
    const body = makeDatedJpeg({ captureDate: randomDate(random), nonce: `re-upload of ${upload.key} ${random()}`, padBytes: padFor(random) });
    const startedAt = performance.now();
    await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: upload.key, Body: body }));
    ledger.recordUpload(upload.key, body, mutation, startedAt);
    reuploads[mutation] = (reuploads[mutation] ?? 0) + 1;
  };
  const remove = (upload: PlannedUpload, mutation: Mutation) => async () => {
    await client.send(new DeleteObjectCommand({ Bucket: 'uploads', Key: upload.key }));
    ledger.recordDelete(upload.key, mutation);
    userDeletes[mutation] = (userDeletes[mutation] ?? 0) + 1;
  };
  const mutate = (upload: PlannedUpload) => {
    // Without MOVE the function never deletes a source: re-upload while it reads instead.
    const mutation = upload.mutation === 'reupload-at-delete' && !move ? 'reupload-while-read' : upload.mutation;
    const draw = upload.mutationDraw ?? 0;
    switch (mutation) {
      case undefined:
        return;
      case 'reupload-at-delete':
        interposer.arm(upload.key, { on: 'DeleteObject', hold: true, delayMs: 0, action: reupload(upload, mutation) });
        return;
      case 'reupload-while-read':
        interposer.arm(upload.key, { on: 'GET', hold: false, delayMs: Math.floor(draw * 400), action: reupload(upload, mutation) });
        return;
      case 'delete-while-read':
        interposer.arm(upload.key, { on: 'GET', hold: false, delayMs: Math.floor(draw * 400), action: remove(upload, mutation) });
        return;
      case 'reupload-soon':
        void interposer.later(Math.floor(draw * 2500), reupload(upload, mutation));
        return;
      case 'delete-soon':
        void interposer.later(Math.floor(draw * 2500), remove(upload, mutation));
    }
  };

  try {
    let uploaded = 0;
    await pMap(plan, async (upload) => {
      // Armed before the upload: its event may reach the function before PutObject answers here.
      if (upload.mutation && !upload.mutation.endsWith('-soon')) mutate(upload);
      const startedAt = performance.now();
      await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: upload.key, Body: upload.body }));
      ledger.recordUpload(upload.key, upload.body, 'plan', startedAt);
      if (upload.mutation?.endsWith('-soon')) mutate(upload);
      if (++uploaded % 250 === 0) log(`uploaded ${uploaded}/${plan.length}`);
    }, { concurrency: 4 });
    log(`all ${plan.length} uploaded; waiting for the user's timed actions, then flushing held-back events`);
    await interposer.settled();
    await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: `${FLUSH_PREFIX}flush`, Body: Buffer.alloc(0) }));

    // Hung = deliveries still pending while no invocation finished for STALL_MS (twice the
    // function's timeout): the run waits as long as the function makes progress, however loaded the machine.
    const STALL_MS = 120_000;
    let finished = false;
    for (;;) {
      let lastCount = pipeline.invocations.length;
      let lastProgress = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const idle = await Promise.race([
        pipeline.idle().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setInterval(() => {
            if (pipeline.invocations.length !== lastCount) {
              lastCount = pipeline.invocations.length;
              lastProgress = performance.now();
            } else if (performance.now() - lastProgress > STALL_MS) resolve(false);
          }, 1000);
        }),
      ]);
      clearInterval(timer);
      if (!idle) {
        log(`no invocation finished for ${STALL_MS / 1000} s with deliveries pending: hung`);
        break;
      }
      // A re-upload a late request fired makes new events: wait for those too.
      const before = ledger.versions.length + ledger.deletes.length;
      await interposer.settled();
      if (ledger.versions.length + ledger.deletes.length === before) {
        finished = true;
        break;
      }
    }
    interposer.disarm();
    await client.send(new DeleteObjectCommand({ Bucket: 'uploads', Key: `${FLUSH_PREFIX}flush` }));
    const settledInvocations = pipeline.invocations.length;
    log(`function idle after ${settledInvocations} invocations; checking the buckets`);

    // --- The verdict, by bytes, from the ledger and the buckets. ---
    const sourceKeys = await listKeys(client, 'uploads');
    const sourceNow = new Map<string, string>();
    await pMap(sourceKeys, async (key) => {
      const md5 = await md5OrUndefined(client, 'uploads', key);
      if (md5 !== undefined) sourceNow.set(key, md5);
    }, { concurrency: 8 });
    const library = await readLibrary(client, 'library');
    const bytes = judgeByBytes(ledger, sourceNow, library.photos, move);

    const failureQueue = pipeline.failures.map((failure) => ({
      source: decodeURIComponent((failure.event.Records[0]?.s3.object.key ?? '').replace(/\+/g, ' ')),
      attempts: failure.attempts,
      reason: `${failure.error.errorType}: ${failure.error.errorMessage}`,
    }));

    // Every skip the function logged, checked against the buckets.
    const skips: Record<string, number> = {};
    const unverifiedSkips: string[] = [];
    const lostKeys = new Set(bytes.lost.map((version) => version.key));
    for (const entry of logs.entries) {
      if (entry.message !== 'skipped' || entry['status'] !== 'skipped' || typeof entry['source'] !== 'string') continue;
      const reason = String(entry['reason']);
      skips[reason] = (skips[reason] ?? 0) + 1;
      const key = entry['source'].replace(/^s3:\/\/uploads\//, '');
      // 'object-gone' holds only if the key is gone now (or was deleted by the user meanwhile) and
      // none of its versions was lost;
      // 'superseded' (the event's ETag no longer matched) only if the key was re-uploaded or deleted
      // and none of its versions was lost; 'empty-object' only if a 0-byte version was uploaded there;
      // 'unsupported-file-type' only if the bytes are still in the source; nothing else can apply here.
      const versionsOfKey = ledger.versions.filter((version) => version.key === key);
      const holds =
        reason === 'object-gone'
          ? // gone now, or deleted by the user and uploaded again (that upload's own event files it)
            (!sourceNow.has(key) || ledger.deletes.some((entry) => entry.key === key)) && !lostKeys.has(key)
          : reason === 'superseded'
            ? (versionsOfKey.length > 1 || ledger.deletes.some((entry) => entry.key === key)) && !lostKeys.has(key)
            : reason === 'empty-object'
              ? versionsOfKey.some((version) => version.size === 0)
              : reason === 'unsupported-file-type'
                ? versionsOfKey.some((version) => bytes.fates.get(version) === 'kept-in-source')
                : false;
      if (!holds) unverifiedSkips.push(`${reason}: ${key}`);
    }

    const photoKeys = new Set(library.photos.map((photo) => photo.key));
    const overwritten = [...creations.creations].filter(([key, count]) => count > 1 && photoKeys.has(key)).map(([key, count]) => `${key} (created ${count} times)`);
    const sidecarsOverwritten: string[] = [];
    let sidecarRewritesSameBytes = 0;
    for (const [key, eTags] of creations.eTags) {
      if (photoKeys.has(key) || eTags.length < 2) continue;
      // A move pointer (issue 18) names the latest move of its source key: rewritten (conditionally,
      // If-Match) with other contents only when that key was re-uploaded and moved again.
      const pointer = /\.photo-organizer\/moved\/uploads\/(.+)\.moved$/.exec(key);
      const repointed = pointer !== null && ledger.versions.filter((version) => version.key === pointer[1]).length > 1;
      if (new Set(eTags).size > 1 && !repointed) sidecarsOverwritten.push(`${key} (written ${eTags.length} times, ${new Set(eTags).size} different contents)`);
      else sidecarRewritesSameBytes += eTags.length - 1;
    }
    const sidecarProblems: string[] = [];
    const sidecarByKey = new Map(library.sidecars.map((entry) => [entry.key, entry]));
    // A photo whose event ended in the failure queue gets its sidecar when that event is redriven;
    // a torn copy (the local server's copy-source race) is reported on its own.
    const failedSources = new Set(failureQueue.map((failure) => failure.source));
    const tornCopies = new Set(bytes.mismatchedByCopySourceRace.map((line) => line.split(' (')[0]!));
    let sidecarsAwaitingRedrive = 0;
    for (const photo of library.photos) {
      const entry = sidecarByKey.get(`${photo.key}.json`);
      if (!sidecar) continue;
      if (!entry && (failedSources.has(photo.sourceKey ?? '') || tornCopies.has(photo.key))) sidecarsAwaitingRedrive++;
      else if (!entry) sidecarProblems.push(`${photo.key}: no sidecar`);
      else if (entry.sourceKey !== photo.sourceKey || entry.sourceEtag !== photo.sourceEtag) {
        sidecarsOverwritten.push(`${entry.key} describes ${entry.sourceKey} ${entry.sourceEtag}, its photo is ${photo.sourceKey} ${photo.sourceEtag}`);
      }
    }
    for (const entry of library.sidecars) if (!photoKeys.has(entry.key.slice(0, -'.json'.length))) sidecarProblems.push(`${entry.key}: no photo`);
    for (const key of library.other) sidecarProblems.push(`${key}: neither a copy nor a sidecar`);

    const copiesBySource = new Map<string, string[]>();
    for (const photo of library.photos) if (photo.sourceKey) copiesBySource.set(photo.sourceKey, [...(copiesBySource.get(photo.sourceKey) ?? []), photo.key]);
    const failed = new Set(failureQueue.map((failure) => failure.source));
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
    const uploadIdOf = (requestPath: string) => new URL(requestPath, 'http://x').searchParams.get('uploadId');
    const aborted = new Set(proxy.requests.filter((request) => request.method === 'DELETE' && request.path.includes('uploadId=')).map((request) => uploadIdOf(request.path)));
    // An upload whose CreateMultipartUpload answer a fault cut off: the function never saw its id, so
    // only the bucket's lifecycle rule (AbortIncompleteMultipartUpload, infra) can remove it.
    const known = new Set(proxy.requests.filter((request) => request.path.includes('uploadId=')).map((request) => uploadIdOf(request.path)));
    const faults = { ...proxy.stats.faults };

    const describe = (version: LedgerVersion) => `${version.key} #${version.sequence} (${version.origin}, ${version.size} bytes, md5 ${version.md5})`;
    const evidence: Record<string, string[]> = {};
    // A few of each kind of problem, not only the first kind.
    const problemKeys = [
      ...new Set([
        ...bytes.lost.slice(0, 6).map((version) => version.key),
        ...bytes.duplicated.slice(0, 6).map((line) => line.split(' #')[0]!),
        ...bytes.duplicatedByCopySourceRace.slice(0, 3).map((line) => line.split(' #')[0]!),
        ...collisionProblems.slice(0, 4).map((line) => line.split(' -> ')[0]!),
        ...unverifiedSkips.slice(0, 4).map((line) => line.slice(line.indexOf(': ') + 2)),
        ...failureQueue.slice(0, 4).map((failure) => failure.source),
        ...sidecarProblems.slice(0, 4).flatMap((line) => library.photos.filter((photo) => line.startsWith(`${photo.key}:`)).map((photo) => photo.sourceKey ?? photo.key)),
      ]),
    ];
    for (const key of problemKeys) {
      const name = path.posix.basename(key);
      const encoded = encodeURIComponent(name).replace(/\(/g, '%28').replace(/\)/g, '%29');
      evidence[key] = [
        ...ledger.versions.filter((version) => version.key === key).map((version) => `ledger: ${Math.round(version.completedAt)}ms uploaded ${describe(version)} -> ${bytes.fates.get(version)}`),
        ...ledger.deletes.filter((item) => item.key === key).map((item) => `ledger: ${Math.round(item.completedAt)}ms deleted (${item.origin})`),
        ...logs.lines.filter((line) => line.includes(name)).map((line) => `log: ${line.slice(0, 600)}`),
        ...proxy.requests
          .filter((request) => request.path.includes(encoded) || request.path.includes(encodeURIComponent(name)))
          .map((request) => `s3: ${Math.round(request.at)}ms ${request.method} ${request.path.slice(0, 200)}${request.copy ? ' (copy)' : ''}${request.fault ? ` FAULT ${request.fault}` : ''}`),
      ];
    }

    const functionErrors = pipeline.invocations.filter((invocation) => invocation.error).length;
    return {
      seed,
      move,
      sidecar,
      evidence,
      uploads: plan.length,
      corpusUploads: plan.filter((item) => item.origin === 'corpus').length,
      generatedUploads: plan.filter((item) => item.origin === 'generated').length,
      collisions: plan.filter((item) => item.origin === 'collision').length,
      versionsUploaded: ledger.versions.length,
      reuploads,
      userDeletes,
      mutationsNotTriggered: interposer.pendingTriggers(),
      deliveries: delivery.counters.deliveries,
      duplicatesDelivered: delivery.counters.deliveries - delivery.counters.events,
      reordered: delivery.counters.reordered,
      invocations: settledInvocations,
      functionErrors,
      lambdaRetries: functionErrors - pipeline.failures.length,
      proxiedRequests: proxy.requests.length,
      requestsByKind: { ...interposer.stats.requests },
      faultsByKind: { ...interposer.stats.faults },
      hardFailedRequestsByKind: { ...interposer.stats.hardFailedRequests },
      faults,
      faultsInjected: Object.values(faults).reduce((sum, count) => sum + count, 0),
      failureQueue,
      fates: bytes.counts,
      skips,
      unverifiedSkips,
      sourceObjects: sourceNow.size,
      destinationObjects: library.photos.length + library.sidecars.length + library.other.length,
      lost: bytes.lost.map(describe),
      // A copy-source race counts against the function only if it ever copied without a condition.
      duplicated: interposer.stats.unconditionalCopies > 0 ? [...bytes.duplicated, ...bytes.duplicatedByCopySourceRace] : bytes.duplicated,
      duplicatedByCopySourceRace: interposer.stats.unconditionalCopies > 0 ? [] : bytes.duplicatedByCopySourceRace,
      unconditionalCopies: interposer.stats.unconditionalCopies,
      mismatched: interposer.stats.unconditionalCopies > 0 ? [...bytes.mismatched, ...bytes.mismatchedByCopySourceRace] : bytes.mismatched,
      mismatchedByCopySourceRace: interposer.stats.unconditionalCopies > 0 ? [] : bytes.mismatchedByCopySourceRace,
      overwritten,
      sidecarsOverwritten,
      sidecarRewritesSameBytes,
      sidecarProblems,
      sidecarsAwaitingRedrive,
      copiedNotMoved: bytes.copiedNotMoved,
      collisionProblems,
      orphanMultipartUploads: orphanIds.length,
      orphansWithoutAbort: orphanIds.filter((id) => known.has(id) && !aborted.has(id)).length,
      orphansUnknownToFunction: orphanIds.filter((id) => !known.has(id)).length,
      multipartCopies: interposer.stats.requests.CreateMultipartUpload,
      // An invocation Lambda had to kill at its timeout hung; so did deliveries that stopped making progress.
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
