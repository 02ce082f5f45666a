/**
 * Security checks: exiftool is started with fixed arguments and no shell, and no key or content
 * ever reaches a command line. Proved at the process level: while the function organizes objects
 * with hostile keys and content, every process the Lambda worker spawns is sampled from /proc.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { commandLine, descendantPids, processTable, startLocalPipeline } from '@photo-organizer/test-kit';
import { makeDatedJpeg } from './generators.ts';
import { collectLogs, LAMBDA_MEMORY_MB, outcomesBySource } from './outcomes.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Keys a shell or exiftool's own argument parser would act on, if they ever reached one. */
export function hostileKeys(marker: string): string[] {
  return [
    '-@ /etc/passwd.jpg',
    '-@ /etc/passwd',
    // A path (the local server cannot store `../../etc/passwd`: test-kit README; such a key reaches
    // the function as an event in the hostile inputs), and one a second URL-decoding would make a path.
    'etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    `$(touch /tmp/${marker}-a).jpg`,
    `;touch /tmp/${marker}-b;.jpg`,
    `\`touch /tmp/${marker}-c\`.jpg`,
    '-execute -if 1 -p x.jpg',
    '| cat /etc/passwd .jpg',
  ];
}

export interface SecurityReport {
  readonly mode: 'random-access' | 'stream';
  readonly keys: readonly string[];
  /** Every distinct command line the worker's descendants ran (NUL-separated argv, as in /proc). */
  readonly commandLines: readonly (readonly string[])[];
  readonly samples: number;
  /** Where each key was filed, or why not. */
  readonly outcomes: Readonly<Record<string, string>>;
  /** Marker files a shell injection would have created. */
  readonly markerFilesCreated: readonly string[];
}

/** Organizes objects with hostile keys (and content that quotes them) while sampling argv. */
export async function runSecurityCheck(mode: 'random-access' | 'stream', marker = `po-injection-${process.pid}`): Promise<SecurityReport> {
  const keys = hostileKeys(marker);
  const pipeline = await startLocalPipeline({
    sourceBucket: 'uploads',
    destinationBucket: 'library',
    concurrency: 1,
    timeoutMs: 60_000,
    memorySizeMb: LAMBDA_MEMORY_MB,
    environment: { READ_MODE: mode },
  });
  const logs = collectLogs(pipeline.runtime);
  const seen = new Map<string, string[]>();
  let samples = 0;
  const sample = () => {
    samples++;
    const table = processTable();
    for (const worker of pipeline.runtime.workers) {
      for (const child of worker.pid ? descendantPids(table, worker.pid) : []) {
        const argv = commandLine(child);
        if (argv.length > 0) seen.set(argv.join('\0'), argv);
      }
    }
  };
  const sampler = setInterval(sample, 5);
  try {
    const client = pipeline.s3.client();
    for (const [index, key] of keys.entries()) {
      // The content quotes the key too: a comment exiftool reads and a name it may report.
      const body = makeDatedJpeg({ captureDate: new Date(Date.UTC(2020, 1, 2 + index)), nonce: `${key} -@ /etc/passwd $(touch /tmp/${marker}-d)` });
      await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: body }));
      await pipeline.idle();
      sample();
    }
  } finally {
    clearInterval(sampler);
  }
  const logged = outcomesBySource(logs.entries);
  const outcomes = Object.fromEntries(
    keys.map((key) => {
      const outcome = logged.get(`s3://uploads/${key}`);
      const failure = pipeline.failures.find((item) => decodeURIComponent((item.event.Records[0]?.s3.object.key ?? '').replace(/\+/g, ' ')) === key);
      return [key, outcome?.kind === 'organized' ? outcome.target : outcome?.kind === 'skipped' ? `skipped: ${outcome.reason}` : failure ? `failed: ${failure.error.errorMessage}` : 'no outcome'];
    }),
  );
  logs.stop();
  await pipeline.stop();
  const markerFilesCreated = ['a', 'b', 'c', 'd'].map((suffix) => `/tmp/${marker}-${suffix}`).filter((file) => existsSync(file));
  return { mode, keys, commandLines: [...seen.values()], samples, outcomes, markerFilesCreated };
}

/** Source lines that would start a shell or a parsed command string. */
export function shellUsesInSource(): { file: string; line: number; text: string }[] {
  const pattern = /shell\s*:\s*true|execaCommand|\bexecSync\b|(?<![.\w])exec\(|\$`|['"](\/bin\/)?(sh|bash)['"]\s*,\s*\[/;
  const hits: { file: string; line: number; text: string }[] = [];
  for (const directory of ['packages/exiftool/src', 'packages/organizer/src', 'packages/s3-range-reader/src']) {
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.ts$/.test(entry.name)) {
          readFileSync(full, 'utf8')
            .split('\n')
            .forEach((text, index) => {
              if (pattern.test(text)) hits.push({ file: path.relative(repoRoot, full), line: index + 1, text: text.trim() });
            });
        }
      }
    };
    walk(path.join(repoRoot, directory));
  }
  return hits;
}
