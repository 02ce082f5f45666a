// make bench: every strategy over the same objects, on the local S3 behind a latency proxy, in one
// process tree. Each strategy runs in its own forked Node process (a fresh "container").
// Usage: node src/main.ts [--quick] [--only stdin-8mib,random-access]
// Writes results/latest.{md,json,svg} (results/quick.* with --quick).
import { fork } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CORPUS_MISSING, findCorpus, LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, pinnedExiftool, startFaultProxy, startLocalS3 } from '@photo-organizer/test-kit';
import { corpusObjects, FULL_SIZES, generateLargeObjects, QUICK_SIZES, type BenchObject } from './objects.ts';
import { sampleTree, startWireCounter } from './measure.ts';
import type { ObjectJob, ToParent } from './protocol.ts';
import { STRATEGY_NAMES, type StrategyName } from './strategies/types.ts';
import { summarize, updateReadme, writeReport, type ColdStartSamples, type ObjectRun, type StrategyRun } from './report.ts';

export const FIRST_BYTE_LATENCY_MS = 25;
export const BYTES_PER_SECOND = 90 * 1000 * 1000;
const QUICK_SAMPLE = 40;

const here = path.dirname(fileURLToPath(import.meta.url));
// `pnpm run bench -- --quick` may hand the `--` through.
const { values } = parseArgs({ args: process.argv.slice(2).filter((argument) => argument !== '--'), options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, 'cold-starts': { type: 'string', default: '10' } } });
const quick = values.quick === true;
const coldStartRounds = Number(values['cold-starts']);
if (!Number.isSafeInteger(coldStartRounds) || coldStartRounds < 0) throw new TypeError(`--cold-starts must be a non-negative integer, got ${values['cold-starts']}`);
const strategies = (values.only ? values.only.split(',') : [...STRATEGY_NAMES]) as StrategyName[];
for (const name of strategies) {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) throw new TypeError(`--only: unknown strategy "${name}"; known: ${STRATEGY_NAMES.join(', ')}`);
}
const started = new Date();

const corpus = findCorpus();
if (!corpus) console.warn(`bench: ${CORPUS_MISSING}; running on the generated large objects only`);
const { objects: corpusList, expectedTable } = corpus
  ? corpusObjects(corpus, { now: started, ...(quick ? { sample: QUICK_SAMPLE } : {}) })
  : { objects: [], expectedTable: false };
if (!expectedTable) console.warn('bench: packages/organizer/test/corpus/expected.tsv is absent: "right date" is reported for the generated objects only');

const sizes = quick ? QUICK_SIZES : FULL_SIZES;
const temp = await mkdtemp(path.join(os.tmpdir(), 'photo-organizer-bench-'));
const space = await statfs(temp);
// Files + the server's copy + every strategy's destination copies (interleaved: all kept until the end).
const needed = (2 * sizes.mp4Bytes + sizes.tiffBytes + sizes.jpegBytes) * (2 + strategies.length);
if (space.bavail * space.bsize < needed) throw new Error(`bench: ${temp} has ${Math.round((space.bavail * space.bsize) / 2 ** 30)} GiB free, needs ~${Math.round(needed / 2 ** 30)} GiB`);

const s3 = await startLocalS3({ buckets: ['source', 'dest'], directory: path.join(temp, 's3') });
const proxy = await startFaultProxy({ target: s3.endpoint, firstByteLatencyMs: FIRST_BYTE_LATENCY_MS, bytesPerSecond: BYTES_PER_SECOND });
const wire = await startWireCounter(proxy.endpoint);
const direct = s3.client();
let results: StrategyRun[] = [];
const eTags = new Map<string, string>();
try {
  console.error(`bench: generating large objects in ${temp} ...`);
  const largeList = await generateLargeObjects(temp, sizes);
  const objects: BenchObject[] = [...corpusList, ...largeList];
  console.error(`bench: uploading ${objects.length} objects ...`);
  for (const object of objects) eTags.set(object.key, await upload(direct, object));
  for (const object of largeList) await rm(object.localPath); // the server holds them now

  const exiftool = pinnedExiftool();
  results = await runInterleaved(strategies, objects, { perl: exiftool.perl, libDir: exiftool.libDir, script: exiftool.script });
  const coldStarts = await repeatColdStarts(strategies, objects, { perl: exiftool.perl, libDir: exiftool.libDir, script: exiftool.script });
  for (const strategy of strategies) await emptyPrefix(direct, `${strategy}/`); // frees the disk the large copies took
  const summary = summarize(results, {
    quick,
    date: started,
    finished: new Date(),
    expectedTable,
    corpusFound: Boolean(corpus),
    firstByteLatencyMs: FIRST_BYTE_LATENCY_MS,
    bytesPerSecond: BYTES_PER_SECOND,
    exiftoolVersion: exiftool.version,
    coldStarts,
  });
  // A quick run must not replace the committed full results.
  const markdown = await writeReport(summary, path.resolve(here, '../results'), quick ? 'quick' : 'latest');
  if (!quick) await updateReadme(summary, path.resolve(here, '../README.md'), 'results/latest.svg');
  console.log(markdown);
} finally {
  direct.destroy();
  await wire.stop();
  await proxy.stop();
  await s3.stop();
  await rm(temp, { recursive: true, force: true });
}

/** Uploads one object and returns its ETag (bare, as an S3 event carries it). */
async function upload(client: S3Client, object: BenchObject): Promise<string> {
  const output = await client.send(
    new PutObjectCommand({ Bucket: 'source', Key: object.key, Body: createReadStream(object.localPath), ContentLength: object.size }),
  );
  return (output.ETag ?? '').replaceAll('"', '');
}

async function emptyPrefix(client: S3Client, prefix: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: 'dest', Prefix: prefix, ContinuationToken: token }));
    for (const item of page.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: 'dest', Key: item.Key! }));
    token = page.NextContinuationToken;
  } while (token);
}

/**
 * Runs every strategy over the same objects, interleaved: object i is organized by each strategy in
 * turn (the order rotates with i), so load from other jobs on this shared machine falls on all of
 * them alike. Each strategy keeps its own warm process (a container) for the whole run; only one
 * works at a time, so the proxy's request log and the wire bytes are attributed exactly. Processes
 * are forked one at a time and each organizes its first object before the next is forked, so cold
 * starts do not overlap.
 */
async function runInterleaved(names: readonly StrategyName[], objects: readonly BenchObject[], exiftool: { perl: string; libDir: string; script: string }): Promise<StrategyRun[]> {
  const processes: StrategyProcess[] = [];
  for (const name of names) {
    console.error(`bench: ${name} ...`);
    const started = startStrategy(name, objects, exiftool);
    processes.push(started);
    if (objects.length > 0) await started.next();
  }
  for (let index = 1; index < objects.length; index++) {
    for (let turn = 0; turn < processes.length; turn++) await processes[(index + turn) % processes.length]!.next();
  }
  return Promise.all(processes.map((item) => item.finish()));
}

/** A real photo for cold starts: the corpus's iPhone JPEG when sampled, else the first corpus JPEG. */
function coldStartPhoto(objects: readonly BenchObject[]): BenchObject | undefined {
  const corpusJpegs = objects.filter((object) => object.kind === 'corpus' && /\.jpe?g$/i.test(object.name) && object.size > 100_000);
  return corpusJpegs.find((object) => object.name === 'Apple iPhone 6 plus.jpg') ?? corpusJpegs[0] ?? objects.find((object) => object.kind === 'corpus');
}

/**
 * Cold starts, repeated: `coldStartRounds` fresh processes per strategy, each organizing one real
 * photo, interleaved (round r runs every strategy once, order rotated). Each round files under its
 * own prefix, so every sample is a first copy, not a repeated event.
 */
async function repeatColdStarts(names: readonly StrategyName[], objects: readonly BenchObject[], exiftool: { perl: string; libDir: string; script: string }): Promise<ColdStartSamples[]> {
  const photo = coldStartPhoto(objects);
  const samples = names.map((strategy) => ({ strategy, photo: photo?.label ?? '', initMs: [] as number[], firstObjectMs: [] as number[], totalMs: [] as number[] }));
  if (!photo || coldStartRounds === 0) return samples;
  console.error(`bench: ${coldStartRounds} cold starts per strategy on ${photo.label} ...`);
  for (let round = 0; round < coldStartRounds; round++) {
    for (let turn = 0; turn < names.length; turn++) {
      const index = (round + turn) % names.length;
      const child = startStrategy(names[index]!, [{ ...photo, dir: `cold-start-${round}` }], exiftool);
      await child.next();
      const run = await child.finish();
      const first = run.objects[0];
      if (!first || first.targetKey === 'ERROR') throw new Error(`bench: cold start of ${names[index]} failed: ${first?.note ?? 'no result'}`);
      samples[index]!.totalMs.push(run.coldStartMs);
      samples[index]!.firstObjectMs.push(first.ms);
      samples[index]!.initMs.push(run.coldStartMs - first.ms);
    }
  }
  return samples;
}

interface StrategyProcess {
  /** Lets the process organize its next object and resolves when it is done. */
  next(): Promise<void>;
  /** Lets it finish (close, report its maxRSS) and resolves with its figures. */
  finish(): Promise<StrategyRun>;
}

function startStrategy(strategy: StrategyName, objects: readonly BenchObject[], exiftool: { perl: string; libDir: string; script: string }): StrategyProcess {
  const jobs: ObjectJob[] = objects.map((object) => ({ key: object.key, dir: object.dir, size: object.size, eTag: eTags.get(object.key) ?? '' }));
  const job = { strategy, endpoint: wire.endpoint, region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS, exiftool, objects: jobs };
  const forkedAt = performance.now();
  const child = fork(path.join(here, 'run-strategy.ts'), [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const sampler = sampleTree(child.pid!);
  const runs: ObjectRun[] = [];
  let window = { request: 0, wireBytes: 0 };
  let coldStartMs = Number.NaN;
  let nodeMaxRssBytes = Number.NaN;
  // The child waits for an ack after each 'done': held back until the scheduler gives it the next turn.
  let heldAck = false;
  let onDone: (() => void) | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.on('message', (message: ToParent) => {
    if (message.type === 'start') {
      window = { request: proxy.requests.length, wireBytes: wire.bytesDown() };
      child.send({ type: 'ack' });
    } else if (message.type === 'done') {
      if (Number.isNaN(coldStartMs)) coldStartMs = performance.now() - forkedAt;
      const requests = proxy.requests.slice(window.request);
      const object = objects[message.index]!;
      runs.push({
        label: object.label,
        kind: object.kind,
        size: object.size,
        lowerBoundBytes: object.lowerBoundBytes,
        expectedKeys: object.expectedKeys,
        targetKey: message.targetKey,
        dateSource: message.dateSource,
        ms: message.ms,
        readMs: message.readMs,
        bytesFetched: message.bytesFetched,
        wireBytes: wire.bytesDown() - window.wireBytes,
        gets: requests.filter((request) => request.method === 'GET').length,
        heads: requests.filter((request) => request.method === 'HEAD').length,
        copies: requests.filter((request) => request.copy).length,
        otherRequests: requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD' && !request.copy).length,
        note: message.metadataError,
      });
      heldAck = true;
      onDone?.();
    } else if (message.type === 'finished') {
      nodeMaxRssBytes = message.nodeMaxRssBytes;
    }
  });
  const release = () => {
    if (heldAck) child.send({ type: 'ack' });
    heldAck = false;
  };
  return {
    async next() {
      const done = new Promise<void>((resolve, reject) => {
        onDone = resolve;
        void exited.then((code) => reject(new Error(`bench: the ${strategy} process exited with ${code} mid-run`)));
      });
      release();
      await done;
      onDone = undefined;
    },
    async finish() {
      release();
      const code = await exited;
      sampler.stop();
      if (code !== 0) throw new Error(`bench: the ${strategy} process exited with ${code}`);
      return { strategy, objects: runs, coldStartMs, peakTreeRssBytes: sampler.peakBytes(), peakExiftoolRssBytes: sampler.peakChildBytes(), nodeMaxRssBytes };
    },
  };
}
