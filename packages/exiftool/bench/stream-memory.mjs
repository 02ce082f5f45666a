// Stream mode's memory on a large moov-at-end video (issue 16's target: <= 256 MiB for Node and
// exiftool together on a 1 GiB video). exiftool must read the whole object to reach `moov`, so
// every byte goes through Node: the figure shows whether Node lets go of the chunks it passed on.
// The read runs in a fresh Node process (test/fixtures/stream-memory.mjs, the regression test's
// child); this process samples that child's tree (Node + perl) from /proc every 20 ms.
// Usage: pnpm --filter @photo-organizer/exiftool run bench:stream-memory [--size-mb 1024]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { makeLargeMp4, pinnedExiftool, processTable, treeResidentBytes } from '@photo-organizer/test-kit';

const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '1024' } } });
const sizeMb = Number(values['size-mb']);
if (!Number.isSafeInteger(sizeMb) || sizeMb < 1) throw new TypeError(`--size-mb must be a positive integer, got ${values['size-mb']}`);
const MiB = 1024 * 1024;
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/stream-memory.mjs');
const pinned = pinnedExiftool();
const options = { exiftoolLibDir: pinned.libDir, exiftoolScriptPath: pinned.script, perlPath: pinned.perl, tags: ['CreateDate', 'MediaCreateDate', 'FileType'] };

const directory = await mkdtemp(path.join(os.tmpdir(), 'stream-memory-bench-'));
try {
  // A real ffmpeg MP4 padded to the size (sparse on disk), moov after mdat.
  const video = await makeLargeMp4(path.join(directory, 'moov-at-end.mp4'), { sizeBytes: sizeMb * MiB });
  const started = performance.now();
  const run = execa('node', ['--expose-gc', child, video.path, JSON.stringify(options)]);
  let treePeak = 0;
  const sampler = setInterval(() => {
    treePeak = Math.max(treePeak, treeResidentBytes(processTable(), run.pid));
  }, 20);
  const { stdout } = await run.finally(() => clearInterval(sampler));
  const measured = JSON.parse(stdout);
  const found = measured.tags['QuickTime:CreateDate'];
  const mib = (bytes) => `${(bytes / MiB).toFixed(0)} MiB`;
  console.log(`## Stream mode, ${sizeMb} MiB moov-at-end MP4 (${new Date().toISOString()}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`);
  console.log('');
  console.log('| Node before | Node peak | Node + exiftool peak (sampled every 20 ms) | target | date found | ms |');
  console.log('| ---: | ---: | ---: | ---: | --- | ---: |');
  console.log(`| ${mib(measured.before)} | ${mib(measured.peak)} | ${mib(Math.max(treePeak, measured.peak))} | 256 MiB | ${found === video.rawTags['QuickTime:CreateDate'] ? found : `WRONG: ${found}`} | ${Math.round(performance.now() - started)} |`);
  if (measured.error || found !== video.rawTags['QuickTime:CreateDate']) process.exitCode = 1;
} finally {
  await rm(directory, { recursive: true, force: true });
}
