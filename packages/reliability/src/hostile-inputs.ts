/**
 * Hostile inputs, one after another through one Lambda execution environment: damaged corpus files,
 * generated parser traps, odd sizes, odd keys and malformed events. Each must end with a definite,
 * logged outcome within the function's timeout, and the same process must take the next event.
 */
import { open, readFile, rm, mkdtemp, stat } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { encodeEventKey, findCorpus, makeSparseFile, readCorpusTable, startLocalPipeline } from '@photo-organizer/test-kit';
import {
  makeDatedJpeg,
  makeDeflateBombPng,
  makeDjvuWithAnnotation,
  makeLyingLengthFiles,
  perlPayloads,
  makeDeeplyNestedMov,
  makeHugeAppJpeg,
  makeLoopingMov,
  makeLoopingTiff,
  makeManyBoxesMp4,
  makePngTextBomb,
} from './generators.ts';
import { collectLogs, LAMBDA_MEMORY_MB, listKeys, outcomesBySource } from './outcomes.ts';

export type HostileOutcome = 'organized' | 'undated' | 'rejected' | 'failed' | 'none';

export interface HostileCase {
  readonly name: string;
  /** The S3 key it is uploaded under; absent for an event-only case. */
  readonly key?: string;
  readonly body?: Buffer;
  /** A file on disk, uploaded by multipart streaming (the 6 GB sparse object). */
  readonly file?: string;
  /** An event sent to the function as is (malformed events). */
  readonly event?: string;
  /** Files `${marker}-1` .. `-4` the input's smuggled code would create if it ran: none may exist afterwards. */
  readonly marker?: string;
}

/**
 * A key a tool copying the library to a disk (aws s3 sync, rclone) would resolve outside the
 * folder it names: a `.` or `..` segment, an empty segment, a leading `/`, or a NUL (which ends a
 * file name in C).
 */
export function isUnsafeKey(key: string): boolean {
  return key.startsWith('/') || key.split('/').some((segment) => segment === '.' || segment === '..' || segment === '') || key.includes('\0');
}

export interface HostileResult {
  readonly name: string;
  readonly key: string | undefined;
  readonly size: number;
  readonly outcome: HostileOutcome;
  /** Where it was filed, or why it was rejected or failed. */
  readonly detail: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly workerId: number;
  readonly maxRssBytes: number;
}

export interface HostileReport {
  readonly results: readonly HostileResult[];
  readonly timeoutMs: number;
  readonly exiftoolTimeoutMs: number;
  readonly memorySizeMb: number;
  readonly peakRssBytes: number;
  readonly crashes: number;
  readonly timeouts: number;
  /** Worker processes created: 1 means the same process took every event. */
  readonly workers: number;
  /** Marker files that code smuggled in a file would have created: must stay empty. */
  readonly markersCreated: readonly string[];
  /** Library keys with a `.` or `..` segment, an empty segment, a leading `/` or a NUL. */
  readonly unsafeLandings: readonly string[];
}

const MiB = 1024 * 1024;
const DATE = new Date(Date.UTC(2022, 6, 14, 9, 30, 0));

/** Every character S3 documents as needing care in a key, plus controls and non-ASCII. */
export const AWKWARD_NAME = `odd &$@=;:+ ,?#%[]{}^~|\`'"<>\\ \u0001\u007f é 漢字 🙂 .jpg`;

/**
 * A key of exactly 1,024 UTF-8 bytes (S3's maximum), ending in a 200-byte file name. Folders of
 * 200 bytes because the local server stores each key segment as a file name (255 bytes at most).
 */
export function longKey(): string {
  const name = `${'n'.repeat(196)}.jpg`;
  const folders: string[] = [];
  let length = Buffer.byteLength(name);
  while (length + 201 <= 1024) {
    folders.push('f'.repeat(200));
    length += 201;
  }
  folders.push('g'.repeat(1024 - length - 1));
  const key = `${folders.join('/')}/${name}`;
  if (Buffer.byteLength(key) !== 1024) throw new Error(`longKey() made ${Buffer.byteLength(key)} bytes`);
  return key;
}

/** The corpus files tagged truncated, exiftool-error or extension-mismatch in hard_cases.tsv. */
export function damagedCorpusCases(): HostileCase[] {
  const corpus = findCorpus();
  if (!corpus) return [];
  return readCorpusTable(corpus, 'hard_cases.tsv')
    .filter((row) => /(^|,)(truncated|exiftool-error|extension-mismatch)/.test(row['tags'] ?? ''))
    .map((row) => ({ name: `corpus ${row['path']} [${row['tags']}]`, key: `corpus/${path.basename(row['path']!)}`, file: path.join(corpus, row['path']!) }));
}

/**
 * The function's default exiftool timeout (`EXIFTOOL_TIMEOUT_MS`, packages/organizer/src/settings/configuration.ts).
 * The suite runs exiftool with 5 s so slow inputs finish quickly; the deflate bomb runs again with this one,
 * because how much memory exiftool takes depends on how long it may inflate.
 */
export const PRODUCTION_EXIFTOOL_TIMEOUT_MS = 20_000;

/** Where the DjVu cases' perl payloads would write: `${PERL_MARKER}-<extension>-<n>`. */
export const PERL_MARKER = path.join(tmpdir(), `po-perl-payload-${process.pid}`);

/** An ObjectCreated:Put event for `key` in the uploads bucket, encoded as S3 encodes keys. */
function eventFor(key: string): string {
  return JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'uploads' }, object: { key: encodeEventKey(key), size: 100 } } }] });
}

/** The generated traps (the 6 GB object is separate: see `makeSparseCase`). */
export function generatedCases(): HostileCase[] {
  return [
    { name: 'JPEG with 60 MB of APP segments before its Exif', key: 'traps/huge-app.jpg', body: makeHugeAppJpeg(DATE) },
    { name: 'QuickTime with 20,000 nested boxes', key: 'traps/nested.mov', body: makeDeeplyNestedMov() },
    { name: 'QuickTime with self-referencing box sizes', key: 'traps/looping.mov', body: makeLoopingMov() },
    { name: 'TIFF whose IFD offsets point at each other', key: 'traps/looping.tif', body: makeLoopingTiff() },
    { name: 'PNG with 4 zTXt chunks inflating to 64 MB each', key: 'traps/text-bomb.png', body: makePngTextBomb() },
    { name: 'MP4 with 1,000,000 empty boxes (exiftool runs out of time)', key: 'traps/many-boxes.mp4', body: makeManyBoxesMp4(1_000_000) },
    { name: '0-byte file', key: 'traps/empty.jpg', body: Buffer.alloc(0) },
    { name: 'key of 1,024 bytes', key: longKey(), body: makeDatedJpeg({ captureDate: DATE, nonce: 'long key' }) },
    { name: 'key with every awkward character', key: `keys/${AWKWARD_NAME}`, body: makeDatedJpeg({ captureDate: DATE, nonce: 'awkward key' }) },
    ...[
      { extension: 'djvu', label: 'a DjVu' },
      { extension: 'jpg', label: 'a DjVu named .jpg' },
    ].map(({ extension, label }) => ({
      name: `${label} whose ANTa annotations carry perl code (CVE-2021-22204 forms)`,
      key: `traps/annotations.${extension}`,
      body: makeDjvuWithAnnotation(perlPayloads(`${PERL_MARKER}-${extension}`).join('\n')),
      marker: `${PERL_MARKER}-${extension}`,
    })),
    { name: 'PNG deflate bomb: one zTXt of 1 MB inflating to 1 GiB', key: 'traps/deflate-bomb.png', body: makeDeflateBombPng() },
    ...makeLyingLengthFiles(DATE).map(({ name, extension, body }, index) => ({ name, key: `traps/lying-length-${index}.${extension}`, body })),
    // `.` and `..` as whole key segments: the copy must still land inside its date folder.
    { name: "key '..'", key: '..', body: makeDatedJpeg({ captureDate: DATE, nonce: 'dot dot' }) },
    { name: "key 'photos/..'", key: 'photos/..', body: makeDatedJpeg({ captureDate: DATE, nonce: 'photos dot dot' }) },
    { name: "key 'photos/.'", key: 'photos/.', body: makeDatedJpeg({ captureDate: DATE, nonce: 'photos dot' }) },
    // The local server stores keys as file paths: it resolves `a/../b` and cannot hold a NUL, so these
    // two reach the function as S3 would deliver them (events) for objects the server does not have.
    { name: "event for key 'x/../../escape.jpg'", event: eventFor('x/../../escape.jpg') },
    { name: 'event for a key with a NUL', event: eventFor('nul\u0000byte.jpg') },
    { name: 'malformed event: not S3 at all', event: JSON.stringify({ hello: 'world' }) },
    { name: 'malformed event: record without a key', event: JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'uploads' } } }] }) },
    { name: 'malformed event: badly encoded key', event: JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'uploads' }, object: { key: '%E0%A4%A' } } }] }) },
    { name: 'malformed event: Records is a number', event: '{"Records":5}' },
  ];
}

/** A 6 GB sparse file with a dated JPEG header: above CopyObject's 5 GiB limit, so the copy is multipart. */
export async function makeSparseCase(directory: string, sizeBytes = 6 * 1000 ** 3): Promise<HostileCase> {
  const file = path.join(directory, 'six-gigabytes.jpg');
  await makeSparseFile(file, sizeBytes);
  const handle = await open(file, 'r+');
  try {
    await handle.write(makeDatedJpeg({ captureDate: DATE, nonce: 'six gigabytes' }), 0, undefined, 0);
  } finally {
    await handle.close();
  }
  return { name: '6 GB sparse object (multipart upload and UploadPartCopy)', key: 'big/six-gigabytes.jpg', file };
}

async function uploadFile(client: S3Client, bucket: string, key: string, file: string): Promise<number> {
  const { size } = await stat(file);
  if (size < 64 * MiB) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(file) }));
    return size;
  }
  const partSize = 512 * MiB;
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts: { PartNumber: number; ETag: string }[] = [];
  for (let first = 0, number = 1; first < size; first += partSize, number++) {
    const last = Math.min(size, first + partSize) - 1;
    const { ETag } = await client.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: number, ContentLength: last - first + 1, Body: createReadStream(file, { start: first, end: last }) }),
    );
    parts.push({ PartNumber: number, ETag: ETag! });
  }
  await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  return size;
}

export interface HostileOptions {
  readonly cases: readonly HostileCase[];
  /** The function's timeout. @default 300000 (the Terraform module's) */
  readonly timeoutMs?: number;
  /** @default 5000 */
  readonly exiftoolTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/**
 * Uploads each case and invokes the function with its event, one at a time, on one worker (async
 * retries off: the first answer counts). A canary photo goes last: it must still be organized.
 */
export async function runHostile(options: HostileOptions): Promise<HostileReport> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 300_000;
  const exiftoolTimeoutMs = options.exiftoolTimeoutMs ?? 5000;
  const pipeline = await startLocalPipeline({
    sourceBucket: 'uploads',
    destinationBucket: 'library',
    // Invoked by hand below, one case at a time; the server's own events are not delivered.
    filter: () => false,
    concurrency: 1,
    timeoutMs,
    memorySizeMb: LAMBDA_MEMORY_MB,
    environment: { EXIFTOOL_TIMEOUT_MS: String(exiftoolTimeoutMs) },
  });
  const logs = collectLogs(pipeline.runtime);
  const client = pipeline.s3.client();
  const results: HostileResult[] = [];
  const canary: HostileCase = { name: 'canary: an ordinary photo after all of the above', key: 'canary/after.jpg', body: makeDatedJpeg({ captureDate: DATE, nonce: 'canary' }) };
  try {
    for (const item of [...options.cases, canary]) {
      let size = 0;
      let payload: string;
      if (item.event !== undefined) {
        payload = item.event;
      } else {
        const key = item.key!;
        if (item.file) size = await uploadFile(client, 'uploads', key, item.file);
        else {
          size = item.body!.length;
          await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: item.body! }));
        }
        payload = JSON.stringify({
          Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'uploads' }, object: { key: encodeEventKey(key), size } } }],
        });
      }
      const linesBefore = logs.entries.length;
      const invocation = await pipeline.runtime.invokePayload(payload);
      const entries = logs.entries.slice(linesBefore);
      let outcome: HostileOutcome = 'none';
      let detail = '';
      if (invocation.error) {
        outcome = 'failed';
        detail = `${invocation.error.errorType}: ${invocation.error.errorMessage}`;
      } else if (item.event !== undefined) {
        const result = invocation.result as { ignored?: boolean; reason?: string } | undefined;
        if (result?.ignored) {
          outcome = 'rejected';
          detail = `malformed event: ${result.reason ?? ''}`;
        } else {
          // An event naming a key: whatever the function logged for it; else the records it skipped.
          const logged = [...outcomesBySource(entries).values()][0];
          const skipped = entries.filter((entry) => entry.message === 'record skipped');
          if (logged?.kind === 'organized') {
            outcome = logged.undated ? 'undated' : 'organized';
            detail = logged.target;
          } else if (logged?.kind === 'skipped') {
            outcome = 'rejected';
            detail = `${logged.reason}${logged.detail ? `: ${logged.detail}` : ''}`;
          } else {
            outcome = skipped.length > 0 ? 'rejected' : 'none';
            detail = skipped.map((entry) => String(entry['reason'])).join('; ');
          }
        }
      } else {
        const logged = outcomesBySource(entries).get(`s3://uploads/${item.key}`);
        if (logged?.kind === 'organized') {
          outcome = logged.undated ? 'undated' : 'organized';
          detail = `${logged.target}${logged.metadataError ? ` (${logged.metadataError.slice(0, 160)})` : ''}`;
        } else if (logged?.kind === 'skipped') {
          outcome = 'rejected';
          detail = `${logged.reason}${logged.detail ? `: ${logged.detail}` : ''}`;
        }
      }
      const timedOut = invocation.error?.errorType === 'Sandbox.Timedout' || /timed out/i.test(invocation.error?.errorMessage ?? '');
      results.push({ name: item.name, key: item.key, size, outcome, detail, durationMs: Math.round(invocation.durationMs), timedOut, workerId: invocation.workerId, maxRssBytes: invocation.maxRssBytes });
      log(`${outcome.padEnd(9)} ${Math.round(invocation.durationMs)} ms  ${item.name}: ${detail.slice(0, 160)}`);
    }
    return {
      results,
      timeoutMs,
      exiftoolTimeoutMs,
      memorySizeMb: LAMBDA_MEMORY_MB,
      peakRssBytes: pipeline.runtime.peakRssBytes(),
      crashes: pipeline.runtime.stats.crashes,
      timeouts: pipeline.runtime.stats.timeouts,
      workers: pipeline.runtime.workers.length,
      markersCreated: options.cases.flatMap((item) => (item.marker ? [1, 2, 3, 4].map((n) => `${item.marker}-${n}`) : [])).filter((file) => existsSync(file)),
      unsafeLandings: (await listKeys(client, 'library')).filter(isUnsafeKey).map((key) => JSON.stringify(key)),
    };
  } finally {
    logs.stop();
    await pipeline.stop();
  }
}

/** Runs `action` with a temporary directory that is removed afterwards. */
export async function withScratch<T>(action: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(path.join(tmpdir(), 'reliability-'));
  try {
    return await action(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
