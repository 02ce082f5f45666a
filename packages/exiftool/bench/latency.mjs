// Latency and bytes per mode over the real-media corpus, in one run:
//   stream      a fresh `exiftool -fast -json -` per object, chunks piped in (64 KiB doubling to
//               8 MiB, like the range reader's chunks()), stopped at EPIPE
//   fresh-ra    random access, a new perl server per object (spawn + one request)
//   warm-ra     random access through one warm perl server
// Sources read the local file (no network): the figures are process and protocol cost only.
// Usage: pnpm --filter @photo-organizer/exiftool bench   (builds first; prints Markdown)
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findCorpus, pinnedExiftool, readCorpusTable, CORPUS_MISSING } from '@photo-organizer/test-kit';
import { ExiftoolProcess, fileSource, readMetadataFromStream } from '../dist/index.js';

const corpus = findCorpus();
if (!corpus) {
  console.error(CORPUS_MISSING);
  process.exit(1);
}
const pinned = pinnedExiftool();
// The kind of tag list a date policy asks for (the organizer's own list lives in its core).
const BENCH_TAGS = ['SubSecDateTimeOriginal', 'DateTimeOriginal', 'CreateDate', 'CreationDate', 'MediaCreateDate', 'TrackCreateDate', 'DateTimeCreated', 'GPSDateTime', 'ModifyDate', 'OffsetTimeOriginal', 'Make', 'Model', 'FileType', 'MIMEType'];
const options = { exiftoolLibDir: pinned.libDir, exiftoolScriptPath: pinned.script, perlPath: pinned.perl, tags: BENCH_TAGS };
const BLOCK = 65_536;
const rows = readCorpusTable(corpus, 'bytes_needed.tsv');

function blockBound(ranges, size) {
  const blocks = new Set();
  for (const range of ranges.split(',').filter(Boolean)) {
    const [start, end] = range.split('-').map(Number);
    for (let block = Math.floor(start / BLOCK); block * BLOCK < end; block += 1) blocks.add(block);
  }
  return [...blocks].reduce((sum, block) => sum + Math.min(BLOCK, size - block * BLOCK), 0);
}

/** Sequential chunks of a file, counting the bytes handed out. */
async function* fileChunks(file, counter) {
  const handle = await open(file, 'r');
  try {
    let position = 0;
    let chunkSize = 64 * 1024;
    for (;;) {
      const buffer = Buffer.alloc(chunkSize);
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, position);
      if (bytesRead === 0) return;
      counter.bytes += bytesRead;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
      chunkSize = Math.min(chunkSize * 2, 8 * 1024 * 1024);
    }
  } finally {
    await handle.close();
  }
}

function percentile(values, fraction) {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

const modes = {
  stream: { times: [], bytes: 0 },
  'fresh-ra': { times: [], bytes: 0 },
  'warm-ra': { times: [], bytes: 0 },
};
let lowerBound = 0;
let blockLowerBound = 0;
const warm = new ExiftoolProcess(options);
const warmUp = fileSource(path.join(corpus, rows[0].path));
await warm.readMetadata(warmUp); // start it outside the timings
await warmUp.close();

for (const row of rows) {
  const file = path.join(corpus, row.path);
  lowerBound += Number(row.logical_unique_bytes || 0);
  blockLowerBound += blockBound(row.logical_byte_ranges || '', Number(row.size_bytes));

  const counter = { bytes: 0 };
  let start = performance.now();
  await readMetadataFromStream(fileChunks(file, counter), options);
  modes.stream.times.push(performance.now() - start);
  modes.stream.bytes += counter.bytes;

  let source = fileSource(file, { blockSize: BLOCK });
  start = performance.now();
  const fresh = new ExiftoolProcess(options);
  await fresh.readMetadata(source);
  modes['fresh-ra'].times.push(performance.now() - start);
  modes['fresh-ra'].bytes += source.stats.bytesFetched;
  await fresh.close();
  await source.close();

  source = fileSource(file, { blockSize: BLOCK });
  start = performance.now();
  await warm.readMetadata(source);
  modes['warm-ra'].times.push(performance.now() - start);
  modes['warm-ra'].bytes += source.stats.bytesFetched;
  await source.close();
}
await warm.close();

const totalSize = rows.reduce((sum, row) => sum + Number(row.size_bytes || 0), 0);
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`## exiftool latency per request (${rows.length} corpus files, ${(totalSize / 1048576).toFixed(1)} MiB)\n`);
console.log(`${new Date().toISOString()}, ${os.cpus().length} x ${cpu}, Node ${process.version}, exiftool ${pinned.version}, local files (no network)\n`);
console.log('| mode | median ms | p95 ms | bytes fetched | vs lower bound | vs block bound |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, mode] of Object.entries(modes)) {
  console.log(
    `| ${name} | ${percentile(mode.times, 0.5).toFixed(1)} | ${percentile(mode.times, 0.95).toFixed(1)} | ${mode.bytes} | ${(mode.bytes / lowerBound).toFixed(2)}x | ${(mode.bytes / blockLowerBound).toFixed(2)}x |`,
  );
}
console.log(`\nLower bound (sum of logical_unique_bytes): ${lowerBound}; in whole ${BLOCK}-byte blocks: ${blockLowerBound}; whole files: ${totalSize}.`);
