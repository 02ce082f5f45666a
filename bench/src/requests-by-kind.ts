/**
 * `pnpm --filter @photo-organizer/bench run requests-by-kind`: the requests the function's own code
 * (random-access, copy mode, default settings) sends per corpus file, split by kind. `make bench`
 * counts every GET as one; this tells the ranged reads of the metadata (issue 16's read path)
 * from the ListObjectsV2 lookups of companion files (issue 18: a video or RAW looks for its still,
 * a file without a date inside for its Google Takeout JSON, before and after its copy). LIST is
 * also priced apart by S3 (with PUT and COPY, not with GET). Local S3 server, no latency: counts
 * only, one object at a time.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createLogger, createMetadataReader, loadConfiguration, organizeObject } from '@photo-organizer/organizer';
import { CORPUS_MISSING, findCorpus, pinnedExiftool, readCorpusTable, startFaultProxy, startLocalS3 } from '@photo-organizer/test-kit';

const corpus = findCorpus();
if (!corpus) {
  console.error(CORPUS_MISSING);
  process.exit(1);
}
const files = readCorpusTable(corpus, 'manifest.tsv').map((row) => row.path ?? '').filter((file) => file.startsWith('files/'));
const s3 = await startLocalS3({ buckets: ['uploads', 'library'] });
const proxy = await startFaultProxy({ target: s3.endpoint });
const exiftool = pinnedExiftool();
const metadataReader = createMetadataReader({ mode: 'random-access', exiftool: { perlPath: exiftool.perl, exiftoolLibDir: exiftool.libDir, exiftoolScriptPath: exiftool.script } });
const configuration = loadConfiguration({ DESTINATION_BUCKET: 'library', EXIFTOOL_PERL: exiftool.perl, EXIFTOOL_LIB: exiftool.libDir, EXIFTOOL_SCRIPT: exiftool.script });
const client = s3.client({ endpoint: proxy.endpoint });
type Counts = { objects: number; range: number; list: number; head: number; copy: number; other: number };
const zero = (): Counts => ({ objects: 0, range: 0, list: 0, head: 0, copy: 0, other: 0 });
const total = zero();
const byFormat = new Map<string, Counts>();
try {
  for (const [index, file] of files.entries()) {
    // Each file alone in its folder: companions are looked for, none found (as for most photos).
    const key = `f${index}/${path.basename(file)}`;
    await s3.client().send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: await readFile(path.join(corpus, file)) }));
    const before = proxy.requests.length;
    await organizeObject({ bucket: 'uploads', key }, { client, configuration, metadataReader, logger: createLogger({ level: 'error', write: () => {} }) });
    const format = path.extname(file).slice(1).toLowerCase() || '(none)';
    const counts = byFormat.get(format) ?? zero();
    byFormat.set(format, counts);
    for (const target of [total, counts]) target.objects++;
    for (const request of proxy.requests.slice(before)) {
      const kind: keyof Counts =
        request.method === 'GET' ? (request.path.includes('list-type=2') ? 'list' : 'range') : request.method === 'HEAD' ? 'head' : request.copy ? 'copy' : 'other';
      for (const target of [total, counts]) target[kind]++;
    }
  }
} finally {
  await metadataReader.close();
  await proxy.stop();
  await s3.stop();
}
const per = (counts: Counts, kind: keyof Counts) => (counts[kind] / counts.objects).toFixed(2);
const row = (name: string, counts: Counts) =>
  `| ${name} (${counts.objects}) | ${per(counts, 'range')} | ${per(counts, 'list')} | ${per(counts, 'head')} | ${per(counts, 'copy')} | ${per(counts, 'other')} | ${((counts.range + counts.list + counts.head + counts.copy + counts.other) / counts.objects).toFixed(2)} |`;
console.log(`## Requests per object by kind (${new Date().toISOString()}, ${files.length} corpus files, random-access, copy mode)\n`);
console.log('| files | ranged GET | LIST | HEAD | COPY | other | total |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
console.log(row('all', total));
for (const [format, counts] of [...byFormat].sort((a, b) => b[1].objects - a[1].objects).slice(0, 12)) console.log(row(format, counts));
