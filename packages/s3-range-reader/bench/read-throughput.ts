// Benchmark (not a test): reads one generated object through a latency/pacing proxy three ways and
// prints MB/s, requests and peak RSS as Markdown. Run: pnpm --filter @photo-organizer/s3-range-reader bench [--size-mb 64]
// Each strategy runs in its own child process, so its peak RSS is its own and not the server's.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createRangeReader } from '@photo-organizer/s3-range-reader';
import { startFaultProxy, startLocalS3 } from '@photo-organizer/test-kit';
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const FIRST_BYTE_MS = 25;
const BYTES_PER_SECOND = 64 * 1024 * 1024; // per connection, roughly one S3 connection from Lambda
const RANDOM_READS = 400;
const RANDOM_READ_LENGTH = 64 * 1024;
const MiB = 1024 * 1024;

type Strategy = 'plain-get' | 'chunks' | 'random-read';
interface Outcome {
  strategy: Strategy;
  bytes: number;
  seconds: number;
  requests: number;
  retries: number;
  peakRssMb: number;
}

const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '512' },
    child: { type: 'string' },
    endpoint: { type: 'string' },
  },
});

if (values.child) {
  const outcome = await runStrategy(values.child as Strategy, values.endpoint!, Number(values['size-mb']) * MiB);
  process.send!(outcome);
} else {
  await main();
}

async function runStrategy(strategy: Strategy, endpoint: string, size: number): Promise<Outcome> {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const started = performance.now();
  let bytes = 0;
  let requests = 1;
  let retries = 0;
  if (strategy === 'plain-get') {
    const output = await client.send(new GetObjectCommand({ Bucket: 'bench', Key: 'object' }));
    for await (const piece of output.Body as AsyncIterable<Uint8Array>) bytes += piece.byteLength;
  } else {
    const reader = createRangeReader({ client, bucket: 'bench', key: 'object' });
    if (strategy === 'chunks') {
      for await (const chunk of reader.chunks()) bytes += chunk.byteLength;
    } else {
      let seed = 12345;
      for (let index = 0; index < RANDOM_READS; index++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const offset = Math.floor((seed / 2 ** 31) * (size - RANDOM_READ_LENGTH));
        bytes += (await reader.read(offset, RANDOM_READ_LENGTH)).byteLength;
      }
    }
    ({ requests, retries } = reader.stats);
  }
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return { strategy, bytes, seconds, requests, retries, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function main(): Promise<void> {
  const sizeMb = Number(values['size-mb']);
  if (!Number.isSafeInteger(sizeMb) || sizeMb < 1) throw new TypeError(`--size-mb must be a positive integer, got ${values['size-mb']}`);
  const size = sizeMb * MiB;
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), 'range-reader-bench-'));
  const s3 = await startLocalS3({ buckets: ['bench'] });
  const proxy = await startFaultProxy({ target: s3.endpoint, firstByteLatencyMs: FIRST_BYTE_MS, bytesPerSecond: BYTES_PER_SECOND });
  try {
    // Random bytes, generated here at run time (never committed): 8 MiB of noise with a distinct header per piece.
    const file = path.join(workDirectory, 'object.bin');
    const handle = await open(file, 'w');
    const noise = randomBytes(8 * MiB);
    for (let written = 0, piece = 0; written < size; piece++) {
      noise.writeUInt32BE(piece, 0);
      const length = Math.min(noise.byteLength, size - written);
      await handle.write(noise, 0, length);
      written += length;
    }
    await handle.close();
    await s3.client().send(new PutObjectCommand({ Bucket: 'bench', Key: 'object', Body: createReadStream(file), ContentLength: size }));

    const outcomes: Outcome[] = [];
    for (const strategy of ['plain-get', 'chunks', 'random-read'] as const) {
      outcomes.push(await runChild(strategy, proxy.endpoint, sizeMb));
    }
    print(outcomes, sizeMb);
  } finally {
    await proxy.stop();
    await s3.stop();
    await rm(workDirectory, { recursive: true, force: true });
  }
}

function runChild(strategy: Strategy, endpoint: string, sizeMb: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1]!, ['--child', strategy, '--endpoint', endpoint, '--size-mb', String(sizeMb)], { stdio: 'inherit' });
    child.once('message', (outcome) => resolve(outcome as Outcome));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${strategy} child exited with ${code}`));
    });
  });
}

function print(outcomes: Outcome[], sizeMb: number): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let kernel = os.release();
  try {
    kernel = execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
  } catch {
    // uname is only decoration
  }
  const lines = [
    `Read throughput, ${sizeMb} MiB object, ${new Date().toISOString()}`,
    `Machine: ${cpu} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${kernel}, Node ${process.version}`,
    `Proxy: ${FIRST_BYTE_MS} ms first-byte latency, ${BYTES_PER_SECOND / MiB} MiB/s per connection; local s3rver on loopback.`,
    `random-read: ${RANDOM_READS} reads of ${RANDOM_READ_LENGTH / 1024} KiB at random offsets (MB/s of bytes returned).`,
    '',
    '| strategy | MB/s | bytes read | requests | retries | seconds | peak RSS (MB) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...outcomes.map(
      (outcome) =>
        `| ${outcome.strategy} | ${(outcome.bytes / 1e6 / outcome.seconds).toFixed(1)} | ${outcome.bytes} | ${outcome.requests} | ${outcome.retries} | ${outcome.seconds.toFixed(2)} | ${outcome.peakRssMb.toFixed(0)} |`,
    ),
  ];
  console.log(lines.join('\n'));
}
