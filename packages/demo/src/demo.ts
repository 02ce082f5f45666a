#!/usr/bin/env node
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, type LocalS3, makeLargeJpeg, startLocalPipeline, startLocalS3 } from '@photo-organizer/test-kit';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE_BUCKET = 'photo-uploads';
const DESTINATION_BUCKET = 'photo-library';

const USAGE = `make demo [PHOTOS=dir]   (node packages/demo/dist/demo.js [--photos DIR] [--data-dir DIR] [--serve] [--json])

Runs the organizer on this machine with no AWS account: a local S3 server (${SOURCE_BUCKET} ->
${DESTINATION_BUCKET}), its real ObjectCreated events, and the built function run under the
real Lambda runtime interface client. Uploads the sample media (or your folder), waits until
each one is organized, prints what happened and the destination tree, then stops everything.
--serve keeps the server up for your own uploads and shows the function's log lines.`;

interface Row {
  source: string;
  target: string;
  captureDate: string;
  dateSource: string;
  fetched: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string' },
      'data-dir': { type: 'string' },
      serve: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dataDir = path.resolve(values['data-dir'] ?? path.join(repoRoot, '.demo'));
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const photosDir = values.photos ? path.resolve(values.photos) : await samplePhotos(dataDir);
  const files = await listFiles(photosDir).catch((error: Error) => {
    throw new Error(`cannot read the photos folder ${photosDir}: ${error.message}`);
  });
  if (files.length === 0) throw new Error(`no files in ${photosDir}`);

  const say = (line: string) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };
  say(`Local S3 data: ${dataDir}`);
  const s3 = await startLocalS3({ buckets: [SOURCE_BUCKET, DESTINATION_BUCKET], directory: path.join(dataDir, 's3') });
  const pipeline = await startLocalPipeline({
    s3,
    sourceBucket: SOURCE_BUCKET,
    destinationBucket: DESTINATION_BUCKET,
    concurrency: 2,
    environment: { SIDECAR: 'false' },
  });
  const client = s3.client();
  const stopAll = async () => {
    await pipeline.stop();
    await s3.stop();
  };

  try {
    if (values.serve) return await serve(s3, pipeline.runtime.onLog.bind(pipeline.runtime), client, files, photosDir, stopAll);

    say(`Uploading ${files.length} files from ${photosDir} to s3://${SOURCE_BUCKET}/ ...`);
    const started = performance.now();
    await uploadAll(client, files, photosDir);
    await pipeline.idle();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);

    const rows = collectRows(pipeline.runtime.logs.map((log) => log.line));
    const tree = await listKeys(client, DESTINATION_BUCKET);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ rows, destination: tree, failures: pipeline.failures })}\n`);
    } else {
      say(`\nOrganized in ${seconds} s (${pipeline.runtime.stats.coldStarts} cold starts, ${pipeline.runtime.stats.invocations} invocations):\n`);
      say(formatTable(rows));
      say(`\nDestination s3://${DESTINATION_BUCKET}/\n${formatTree(tree)}`);
    }
    const accountedFor = rows.length;
    if (pipeline.failures.length > 0 || accountedFor < files.length) {
      process.stderr.write(`demo: ${files.length - accountedFor} uploads not accounted for; failures: ${JSON.stringify(pipeline.failures)}\n`);
      return 1;
    }
    return 0;
  } finally {
    if (!values.serve) await stopAll();
  }
}

async function serve(
  s3: LocalS3,
  onLog: (listener: (line: { line: string }) => void) => () => void,
  client: S3Client,
  files: readonly string[],
  photosDir: string,
  stopAll: () => Promise<void>,
): Promise<number> {
  await uploadAll(client, files, photosDir);
  process.stdout.write(`
The pipeline is running. Upload with any S3 client, e.g.:

  export AWS_ACCESS_KEY_ID=${LOCAL_S3_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_S3_CREDENTIALS.secretAccessKey} AWS_REGION=${LOCAL_S3_REGION}
  aws s3 cp photo.jpg s3://${SOURCE_BUCKET}/ --endpoint-url ${s3.endpoint}
  aws s3 ls s3://${DESTINATION_BUCKET}/ --recursive --endpoint-url ${s3.endpoint}

Endpoint: ${s3.endpoint} (path-style), buckets ${SOURCE_BUCKET} -> ${DESTINATION_BUCKET}.
Function log lines follow. Ctrl-C stops everything.

`);
  onLog((log) => process.stdout.write(`${log.line}\n`));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stopAll();
  return 0;
}

/**
 * The checked-in fixtures, plus one large photo made on the spot (a real JPEG padded to 64 MiB):
 * the table then shows what range reads save, a few KiB fetched of 64 MiB.
 */
async function samplePhotos(dataDir: string): Promise<string> {
  const directory = path.join(dataDir, 'samples');
  await mkdir(path.join(directory, 'large'), { recursive: true });
  const fixtures = path.join(repoRoot, 'test-fixtures/media');
  for (const name of await readdir(fixtures)) await copyFile(path.join(fixtures, name), path.join(directory, name));
  await makeLargeJpeg(path.join(directory, 'large', 'IMG_LARGE_64MiB.jpg'), 64 * 1024 ** 2);
  return directory;
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

async function uploadAll(client: S3Client, files: readonly string[], root: string): Promise<void> {
  for (const file of files) {
    const key = path.relative(root, file).split(path.sep).join('/');
    const size = (await stat(file)).size;
    // Small files in one PUT; the demo is about the organizer, not about upload tuning.
    if (size > 4 * 1024 ** 3) throw new Error(`${file} is over 4 GiB: upload it with the --serve variant and an S3 client`);
    await client.send(new PutObjectCommand({ Bucket: SOURCE_BUCKET, Key: key, Body: await readFile(file) }));
  }
}

async function listKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) keys.push(...(page.Contents ?? []).map((object) => object.Key!));
  return keys.sort();
}

/** One row per object, from the function's own structured log lines. */
function collectRows(lines: readonly string[]): Row[] {
  const rows = new Map<string, Row>();
  for (const line of lines) {
    const start = line.indexOf('{');
    if (start < 0) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line.slice(start));
    } catch {
      continue;
    }
    const source = typeof entry.source === 'string' ? entry.source.replace(`s3://${SOURCE_BUCKET}/`, '') : undefined;
    if (!source) continue;
    if (entry.message === 'organized') {
      rows.set(source, {
        source,
        target: String(entry.targetKey),
        captureDate: entry.captureDate === null ? '-' : String(entry.captureDate),
        dateSource: String(entry.dateSource),
        fetched: `${formatBytes(Number(entry.bytesFetched))} / ${formatBytes(Number(entry.size))}`,
      });
    } else if (entry.message === 'skipped' && !rows.has(source)) {
      rows.set(source, { source, target: `(left in place: ${String(entry.reason)})`, captureDate: '-', dateSource: '-', fetched: '-' });
    }
  }
  return [...rows.values()].sort((a, b) => a.source.localeCompare(b.source));
}

function formatTable(rows: readonly Row[]): string {
  const header: Row = { source: 'source key', target: 'destination key', captureDate: 'capture date', dateSource: 'dateSource', fetched: 'fetched / size' };
  const columns = Object.keys(header) as (keyof Row)[];
  const widths = columns.map((column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const render = (row: Row) => columns.map((column, index) => row[column].padEnd(widths[index]!)).join('  ').trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(render)].join('\n');
}

function formatTree(keys: readonly string[]): string {
  const lines: string[] = [];
  let folder = '';
  for (const key of keys) {
    const slash = key.lastIndexOf('/');
    const current = key.slice(0, slash + 1);
    if (current !== folder) {
      folder = current;
      lines.push(`  ${folder}`);
    }
    lines.push(`    ${key.slice(slash + 1)}`);
  }
  return lines.join('\n');
}

function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
