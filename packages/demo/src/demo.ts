#!/usr/bin/env node
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DeleteObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, startLocalPipeline, startLocalS3 } from '@photo-organizer/test-kit';
import { groupLines } from '@photo-organizer/organizer';
import { prepareDataDir } from './data-dir.js';
import { filedItems } from './groups.js';
import { collectRows, countRows, formatBytes, formatCounts, formatTableCapped, formatTree } from './report.js';
import { folderUploads, sampleUploads, type Upload } from './samples.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEFAULT_DATA_DIR = path.join(repoRoot, '.demo');
const SOURCE_BUCKET = 'photo-uploads';
const DESTINATION_BUCKET = 'photo-library';

const USAGE = `make demo [PHOTOS=dir]   (node packages/demo/dist/demo.js [--photos DIR] [--data-dir DIR] [--serve] [--json])

Runs the organizer on this machine with no AWS account: a local S3 server (${SOURCE_BUCKET} ->
${DESTINATION_BUCKET}), its real ObjectCreated events, and the built function bundle run under
AWS's Lambda runtime interface client. exiftool runs on this machine's perl, not the Lambda layer
(make layer builds and tests that). Uploads the sample media (or your folder), waits until each
file is filed, prints what happened, the counts and the destination tree, then stops everything.

--data-dir DIR  where the local buckets are stored (default .demo/); must be new, empty, or made
                by the demo (it holds a ${'.photo-organizer-demo'} file). The demo wipes it first.
--serve         keeps the server up for your own uploads and shows the function's log lines; keeps
                the data folder from an earlier run (samples are uploaded only into a new one).`;

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
  const serveMode = values.serve === true;
  const say = (line: string) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };
  const dataDir = path.resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
  const shownDataDir = dataDir === DEFAULT_DATA_DIR ? '.demo/' : dataDir;
  const prepared = await prepareDataDir(dataDir, { keep: serveMode, ownedAnyway: dataDir === DEFAULT_DATA_DIR });

  const photosDir = values.photos ? path.resolve(values.photos) : undefined;
  const scratch = path.join(dataDir, 'samples');
  let uploads: Upload[] = [];
  if (photosDir) {
    uploads = await folderUploads(photosDir).catch((error: Error) => {
      throw new Error(`cannot read the photos folder ${photosDir}: ${error.message}`);
    });
    if (uploads.length === 0) throw new Error(`no files in ${photosDir}`);
  } else if (prepared.fresh) {
    await mkdir(scratch, { recursive: true });
    uploads = await sampleUploads(repoRoot, scratch);
  }

  // Ctrl-C in --serve: stop everything and exit 0. Registered before any child process starts;
  // without --serve, Ctrl-C keeps its default (stop now).
  const interrupted = serveMode
    ? new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      })
    : undefined;

  const s3 = await startLocalS3({ buckets: [SOURCE_BUCKET, DESTINATION_BUCKET], directory: path.join(dataDir, 's3') });
  const pipeline = await startLocalPipeline({
    s3,
    sourceBucket: SOURCE_BUCKET,
    destinationBucket: DESTINATION_BUCKET,
    concurrency: 2,
    // Issue 18: a companion uploaded before its photo waits for it (retried by Lambda): 10 s of
    // grace, retries after 2 and 4 more seconds instead of Lambda's minutes.
    environment: { SIDECAR: 'false', COMPANION_GRACE_SECONDS: '10' },
    retryDelayMs: 2000,
  });
  const client = s3.client();
  try {
    if (uploads.length > 0) {
      say(`Uploading ${uploads.length} files ${photosDir ? `from ${photosDir}` : '(the samples)'} to s3://${SOURCE_BUCKET}/ ...`);
    }
    const started = performance.now();
    await uploadAll(client, uploads);
    await pipeline.idle();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    await rm(scratch, { recursive: true, force: true });

    const rows = collectRows(
      pipeline.runtime.logs.map((log) => log.line),
      SOURCE_BUCKET,
    );
    const counts = countRows(rows);
    const unaccounted = uploads.length - rows.length;

    if (serveMode) {
      // As without --serve: the filed uploads leave the source bucket, so they are stored once.
      if (uploads.length > 0) await emptyBucket(client, SOURCE_BUCKET);
      if (uploads.length > 0) say(`${formatCounts(counts)}; in ${seconds} s.`);
      say(banner(s3.endpoint, shownDataDir));
      const stopFollowing = pipeline.runtime.onLog((log) => process.stdout.write(`${log.line}\n`));
      await interrupted;
      stopFollowing();
      say(`\nStopped. The buckets stay in ${shownDataDir} for the next make demo-serve; make demo-clean removes them.`);
      return 0;
    }

    const tree = await listKeys(client, DESTINATION_BUCKET);
    // The uploads were only the function's input: removing them keeps one copy of each photo on
    // disk (the organized one), not two.
    await emptyBucket(client, SOURCE_BUCKET);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ rows, counts, destination: tree, failures: pipeline.failures })}\n`);
    } else {
      say(`\nFiled in ${seconds} s (${pipeline.runtime.stats.coldStarts} cold starts, ${pipeline.runtime.stats.invocations} invocations):\n`);
      say(formatTableCapped(rows));
      say(`\n${formatCounts(counts)}.`);
      const groups = groupLines(filedItems(pipeline.runtime.logs.map((log) => log.line)));
      if (groups.length > 0) say(`\nFiled together (issue 18):\n${groups.map((line) => `  ${line}`).join('\n')}`);
      say(`\nDestination s3://${DESTINATION_BUCKET}/\n${formatTree(tree)}`);
      say(
        `\nStored in ${shownDataDir}: the organized copies (${formatBytes(await folderBytes(dataDir))}; the uploads were removed after ` +
          `filing${photosDir ? '; your folder was not changed' : ''}). ` +
          (dataDir === DEFAULT_DATA_DIR ? 'make demo-clean removes it; the next make demo replaces it.' : 'Delete the folder to remove it.'),
      );
    }
    if (pipeline.failures.length > 0 || unaccounted > 0) {
      process.stderr.write(`demo: ${unaccounted} uploads not accounted for; failures: ${JSON.stringify(pipeline.failures)}\n`);
      return 1;
    }
    return 0;
  } finally {
    await pipeline.stop();
    await s3.stop();
  }
}

function banner(endpoint: string, dataDir: string): string {
  return `
The pipeline is running. Upload with any S3 client, e.g.:

  export AWS_ACCESS_KEY_ID=${LOCAL_S3_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_S3_CREDENTIALS.secretAccessKey} AWS_REGION=${LOCAL_S3_REGION}
  aws s3 cp photo.jpg s3://${SOURCE_BUCKET}/ --endpoint-url ${endpoint}
  aws s3 ls s3://${DESTINATION_BUCKET}/ --recursive --endpoint-url ${endpoint}

Endpoint: ${endpoint} (path-style), buckets ${SOURCE_BUCKET} -> ${DESTINATION_BUCKET}, stored in ${dataDir}.
Function log lines follow. Ctrl-C stops everything.
`;
}

async function uploadAll(client: S3Client, uploads: readonly Upload[]): Promise<void> {
  for (const upload of uploads) {
    const size = (await stat(upload.file)).size;
    // Small files in one PUT; the demo is about the organizer, not about upload tuning.
    if (size > 4 * 1024 ** 3) throw new Error(`${upload.file} is over 4 GiB: upload it with make demo-serve and an S3 client`);
    await client.send(new PutObjectCommand({ Bucket: SOURCE_BUCKET, Key: upload.key, Body: await readFile(upload.file) }));
  }
}

async function listKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) keys.push(...(page.Contents ?? []).map((object) => object.Key!));
  return keys.sort();
}

async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  for (const key of await listKeys(client, bucket)) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

async function folderBytes(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
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
