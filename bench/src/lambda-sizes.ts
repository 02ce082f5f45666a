// Cold and warm starts of the BUILT function bundle (packages/organizer/dist/lambda, what Lambda
// runs) under the real Lambda runtime interface client, at Lambda memory sizes with Lambda's CPU
// share (cgroup quota of MB/1769 of a CPU, see cpu-cap.ts), plus one uncapped run for reference.
// Each sample is a fresh execution environment: init (spawn -> first /next) is reported apart from
// the first invocation (a real photo), then warm invocations. Configurations are interleaved
// (round r runs every configuration once, in a rotated order) so load from other jobs on this
// shared machine spreads over all of them.
// Usage: node src/lambda-sizes.ts [--samples 10] [--warm 4] [--quick]
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  EXIFTOOL_SERVER_SCRIPT,
  findCorpus,
  FUNCTION_BUNDLE_DIR,
  pinnedExiftool,
  startFaultProxy,
  startLambdaRuntime,
  startLocalS3,
  type LambdaInvocationResult,
  type LocalS3,
} from '@photo-organizer/test-kit';
import { createCpuCap, type CpuCap } from './cpu-cap.ts';
import { LAMBDA_ARM64_USD_PER_GB_SECOND, LAMBDA_USD_PER_MILLION_REQUESTS, PRICES_AS_OF } from './cost.ts';
import { mean, percentile } from './measure.ts';
import { machine } from './report.ts';

/** The S3 notification event the local server emits. */
type S3Event = Parameters<Parameters<LocalS3['onObjectCreated']>[0]>[0];

const FIRST_BYTE_LATENCY_MS = 25;
const BYTES_PER_SECOND = 90 * 1000 * 1000;
/** Assumed share of invocations that are cold starts (bursty uploads after idle time); stated in the report. */
export const COLD_START_SHARE = 0.02;

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  args: process.argv.slice(2).filter((argument) => argument !== '--'),
  options: { samples: { type: 'string', default: '10' }, warm: { type: 'string', default: '4' }, quick: { type: 'boolean', default: false } },
});
const samples = Number(values.samples);
const warmPerFormat = Number(values.warm);
if (!Number.isSafeInteger(samples) || samples < 1) throw new TypeError(`--samples must be a positive integer, got ${values.samples}`);
if (!Number.isSafeInteger(warmPerFormat) || warmPerFormat < 0) throw new TypeError(`--warm must be a non-negative integer, got ${values.warm}`);

interface Configuration {
  readonly name: string;
  readonly memoryMb: number;
  readonly cap: CpuCap | undefined;
}

interface Sample {
  readonly configuration: string;
  readonly initMs: number;
  readonly firstMs: number;
  readonly firstRssBytes: number;
  readonly warm: Record<'jpeg' | 'heic', number[]>;
  readonly peakRssBytes: number;
}

// Real photos: an iPhone JPEG and an iPhone HEIC of the corpus; the project's fixtures without it.
const corpus = findCorpus();
const media = path.resolve(here, '../../test-fixtures/media');
const PHOTOS = {
  jpeg: corpus ? path.join(corpus, 'files/metadata-extractor-images/Apple iPhone 6 plus.jpg') : path.join(media, 'jpeg-dto-offset.jpg'),
  heic: corpus ? path.join(corpus, 'files/metadata-extractor-images/IMG_2927.HEIC') : path.join(media, 'heic-dto-offset.heic'),
} as const;

const started = new Date();
const temp = await mkdtemp(path.join(os.tmpdir(), 'photo-organizer-lambda-sizes-'));
const s3 = await startLocalS3({ buckets: ['source', 'dest'], directory: path.join(temp, 's3') });
const proxy = await startFaultProxy({ target: s3.endpoint, firstByteLatencyMs: FIRST_BYTE_LATENCY_MS, bytesPerSecond: BYTES_PER_SECOND });
const direct = s3.client();
const events = new Map<string, S3Event>();
const unsubscribe = s3.onObjectCreated((event) => {
  const key = event.Records[0]?.s3.object.key;
  if (key) events.set(decodeURIComponent(key.replace(/\+/g, ' ')), event);
});
const exiftool = pinnedExiftool();
const configurations: Configuration[] = [];
const results: Sample[] = [];
let counter = 0;

/** Uploads the photo under a fresh key and returns the ObjectCreated event the local S3 sent. */
async function freshEvent(format: 'jpeg' | 'heic'): Promise<S3Event> {
  const key = `incoming/sample-${++counter}.${format === 'jpeg' ? 'jpg' : 'heic'}`;
  await direct.send(new PutObjectCommand({ Bucket: 'source', Key: key, Body: readFileSync(PHOTOS[format]) }));
  for (let wait = 0; wait < 100 && !events.has(key); wait++) await new Promise((resolve) => setTimeout(resolve, 10));
  const event = events.get(key);
  if (!event) throw new Error(`bench: no ObjectCreated event for ${key}`);
  return event;
}

function check(result: LambdaInvocationResult): LambdaInvocationResult {
  if (result.error) throw new Error(`bench: invocation failed: ${result.error.errorType}: ${result.error.errorMessage}\n${result.logs.join('\n')}`);
  return result;
}

async function runSample(configuration: Configuration): Promise<Sample> {
  const runtime = await startLambdaRuntime({
    taskRoot: FUNCTION_BUNDLE_DIR,
    handler: 'index.handler',
    memorySizeMb: configuration.memoryMb,
    timeoutMs: 60_000,
    functionName: 'photo-organizer',
    ...(configuration.cap ? { nodeExecutable: configuration.cap.nodeExecutable } : {}),
    environment: {
      DESTINATION_BUCKET: 'dest',
      S3_ENDPOINT: proxy.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      EXIFTOOL_PERL: exiftool.perl,
      EXIFTOOL_LIB: exiftool.libDir,
      EXIFTOOL_SCRIPT: exiftool.script,
      EXIFTOOL_SERVER_SCRIPT: EXIFTOOL_SERVER_SCRIPT,
    },
  });
  try {
    const first = check(await runtime.invoke(await freshEvent('jpeg')));
    const warm: Sample['warm'] = { jpeg: [], heic: [] };
    for (let index = 0; index < warmPerFormat; index++) {
      for (const format of ['jpeg', 'heic'] as const) {
        const result = check(await runtime.invoke(await freshEvent(format)));
        warm[format].push(result.durationMs);
      }
    }
    return {
      configuration: configuration.name,
      initMs: first.initDurationMs ?? Number.NaN,
      firstMs: first.durationMs,
      firstRssBytes: first.maxRssBytes,
      warm,
      peakRssBytes: runtime.peakRssBytes(),
    };
  } finally {
    await runtime.stop();
  }
}

try {
  for (const memoryMb of [256, 512, 1024]) {
    const cap = await createCpuCap(memoryMb, temp);
    if (cap) configurations.push({ name: `${memoryMb} MB`, memoryMb, cap });
  }
  configurations.push({ name: 'uncapped (1024 MB heap)', memoryMb: 1024, cap: undefined });
  for (let round = 0; round < samples; round++) {
    // Rotate the order each round: no configuration always runs first (or right after another).
    const order = configurations.map((_, index) => configurations[(index + round) % configurations.length]!);
    for (const configuration of order) {
      const sample = await runSample(configuration);
      results.push(sample);
      console.error(`bench: ${configuration.name} round ${round + 1}: init ${sample.initMs.toFixed(0)} ms, first ${sample.firstMs.toFixed(0)} ms, warm JPEG ${percentile(sample.warm.jpeg, 50).toFixed(0)} ms`);
    }
  }
  const report = render();
  const directory = path.resolve(here, '../results');
  await mkdir(directory, { recursive: true });
  const base = values.quick ? 'lambda-sizes-quick' : 'lambda-sizes';
  await writeFile(path.join(directory, `${base}.md`), report.markdown);
  await writeFile(path.join(directory, `${base}.json`), `${JSON.stringify({ date: started.toISOString(), machine: machine(), samples, warmPerFormat, coldStartShare: COLD_START_SHARE, caps: configurations.map((item) => ({ name: item.name, how: item.cap?.how ?? 'none' })), results, table: report.rows }, null, 2)}\n`);
  console.log(report.markdown);
} finally {
  unsubscribe();
  direct.destroy();
  await proxy.stop();
  await s3.stop();
  for (const configuration of configurations) await configuration.cap?.remove();
  await rm(temp, { recursive: true, force: true });
}

interface Row {
  readonly name: string;
  readonly memoryMb: number;
  readonly capped: boolean;
  readonly initMedianMs: number;
  readonly firstMedianMs: number;
  readonly coldMedianMs: number;
  readonly coldP95Ms: number;
  readonly warmJpegMedianMs: number;
  readonly warmHeicMedianMs: number;
  readonly warmP95Ms: number;
  readonly peakRssMiB: number;
  readonly usdPerMillion: number;
  readonly score: number;
}

function render(): { markdown: string; rows: Row[] } {
  const rows: Row[] = configurations.map((configuration) => {
    const mine = results.filter((sample) => sample.configuration === configuration.name);
    const cold = mine.map((sample) => sample.initMs + sample.firstMs);
    const warm = mine.flatMap((sample) => [...sample.warm.jpeg, ...sample.warm.heic]);
    const gb = configuration.memoryMb / 1024;
    // Init is billed like duration (AWS bills the INIT phase of on-demand functions since 2025-08-01).
    const billedSeconds = (1 - COLD_START_SHARE) * mean(warm) / 1000 + COLD_START_SHARE * mean(cold) / 1000;
    const usdPerMillion = 1e6 * billedSeconds * gb * LAMBDA_ARM64_USD_PER_GB_SECOND + LAMBDA_USD_PER_MILLION_REQUESTS;
    const warmMedian = percentile(warm, 50);
    return {
      name: configuration.name,
      memoryMb: configuration.memoryMb,
      capped: configuration.cap !== undefined,
      initMedianMs: percentile(mine.map((sample) => sample.initMs), 50),
      firstMedianMs: percentile(mine.map((sample) => sample.firstMs), 50),
      coldMedianMs: percentile(cold, 50),
      coldP95Ms: percentile(cold, 95),
      warmJpegMedianMs: percentile(mine.flatMap((sample) => sample.warm.jpeg), 50),
      warmHeicMedianMs: percentile(mine.flatMap((sample) => sample.warm.heic), 50),
      warmP95Ms: percentile(warm, 95),
      peakRssMiB: Math.max(...mine.map((sample) => sample.peakRssBytes)) / 2 ** 20,
      usdPerMillion,
      score: usdPerMillion * warmMedian,
    };
  });
  const capped = rows.filter((row) => row.capped);
  const best = capped.length > 0 ? capped.reduce((left, right) => (right.score < left.score ? right : left)) : undefined;
  const lines = [
    `# Lambda sizes: the built bundle, cold and warm`,
    '',
    `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; ${samples} fresh execution environments per row, interleaved; ` +
      `${warmPerFormat} warm JPEG + ${warmPerFormat} warm HEIC invocations after each cold one; ${FIRST_BYTE_LATENCY_MS} ms before each S3 response, ${BYTES_PER_SECOND / 1e6} MB/s.`,
    `Cold = init (worker spawn -> first /next: bundle import, configuration, perl started) + first invocation (a real iPhone JPEG, perl's READY included).`,
    '',
    '| configuration | init ms (median) | first invocation ms | cold ms median / p95 | warm JPEG ms | warm HEIC ms | warm p95 ms | peak RSS node+perl | $ per 1M photos (Lambda only) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row === best ? `**${row.name}**` : row.name} | ${row.initMedianMs.toFixed(0)} | ${row.firstMedianMs.toFixed(0)} | ${row.coldMedianMs.toFixed(0)} / ${row.coldP95Ms.toFixed(0)} | ${row.warmJpegMedianMs.toFixed(0)} | ${row.warmHeicMedianMs.toFixed(0)} | ${row.warmP95Ms.toFixed(0)} | ${row.peakRssMiB.toFixed(0)} MiB | $${row.usdPerMillion.toFixed(2)} |`,
    ),
    '',
    `CPU: ${configurations.map((item) => `${item.name}: ${item.cap?.how ?? 'no cap (the machine\'s 2 shared cores)'}`).join('; ')}. The memory size itself is not enforced (V8's heap is sized as Lambda's bootstrap does).`,
    `Cost: Lambda arm64 $${LAMBDA_ARM64_USD_PER_GB_SECOND}/GB-s and $${LAMBDA_USD_PER_MILLION_REQUESTS}/1M invocations (${PRICES_AS_OF}, see cost.ts), duration = ${(1 - COLD_START_SHARE) * 100}% warm invocations + ${COLD_START_SHARE * 100}% cold starts with init billed (assumed share); S3 requests are the same at every size and left out.`,
    best
      ? `Pick: **${best.memoryMb} MB**, the lowest cost x warm median latency among the Lambda-capped rows (${best.usdPerMillion.toFixed(2)} $/1M x ${percentile([best.warmJpegMedianMs, best.warmHeicMedianMs], 50).toFixed(0)} ms).`
      : 'No CPU-capped run (no writable cgroup cpu controller): no pick.',
    '',
  ];
  return { markdown: lines.join('\n'), rows };
}
