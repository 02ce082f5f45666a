/** The figures of a run as a Markdown table (printed, and written to results/latest.md + .json). */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HostileReport } from './hostile-inputs.ts';
import type { SecurityReport } from './security.ts';
import type { SoakResult } from './soak.ts';

export interface ReliabilityFigures {
  readonly soak: SoakResult;
  readonly hostile: HostileReport;
  readonly security: readonly SecurityReport[];
  readonly shellUses: readonly { file: string; line: number; text: string }[];
}

const MB = 1024 * 1024;

/** lost, overwritten, hung: the three numbers that must be 0. */
export function verdict(figures: ReliabilityFigures) {
  const { soak, hostile } = figures;
  const hostileUndecided = hostile.results.filter((result) => result.outcome === 'none' || result.outcome === 'failed' || result.timedOut).length;
  return {
    lost: soak.lost.length + soak.mismatched.length + hostileUndecided,
    overwritten: soak.overwritten.length,
    hung: soak.hung + hostile.timeouts + hostile.crashes,
    duplicated: soak.duplicated.length,
    unexplainedFailures: soak.failureQueue.filter((failure) => !failure.reason.trim()).length,
    injections: figures.security.reduce((sum, report) => sum + report.markerFilesCreated.length, 0) + figures.shellUses.length,
    overMemory: hostile.peakRssBytes > hostile.memorySizeMb * MB || soak.peakRssBytes > soak.memorySizeMb * MB ? 1 : 0,
  };
}

export function renderMarkdown(figures: ReliabilityFigures, when = new Date()): string {
  const { soak, hostile } = figures;
  const v = verdict(figures);
  const byOutcome = (outcome: string) => hostile.results.filter((result) => result.outcome === outcome).length;
  const rows: [string, string | number][] = [
    ['uploads (corpus / generated / same-name collisions)', `${soak.uploads} (${soak.corpusUploads} / ${soak.generatedUploads} / ${soak.collisions})`],
    ['S3 requests by the function, through the fault proxy', soak.proxiedRequests],
    ['faults injected (503 SlowDown / 500 / reset mid-body / slow first byte)', `${soak.faultsInjected} (${soak.faults.slowdown} / ${soak.faults.internal} / ${soak.faults['reset-mid-body']} / ${soak.faults['slow-first-byte']})`],
    ['faults on copies (CopyObject, UploadPartCopy, CompleteMultipartUpload)', soak.faultsOnCopies],
    ['events delivered (duplicates / held back and delivered late)', `${soak.deliveries} (${soak.duplicatesDelivered} / ${soak.reordered})`],
    ['invocations (function errors retried by Lambda)', `${soak.invocations} (${soak.functionErrors})`],
    ['failure queue (every entry names its reason)', `${soak.failureQueue.length}`],
    ['soak outcomes', Object.entries(soak.outcomes).map(([kind, count]) => `${kind} ${count}`).join(', ')],
    ['multipart copies started / left on the server, all aborted by the function', `${soak.multipartCopies} / ${soak.orphanMultipartUploads}, without abort: ${soak.orphansWithoutAbort}`],
    ['bad inputs tried', hostile.results.length - 1],
    ['bad-input outcomes (organized / undated / rejected / failed / none)', `${byOutcome('organized')} / ${byOutcome('undated')} / ${byOutcome('rejected')} / ${byOutcome('failed')} / ${byOutcome('none')}`],
    ['slowest bad input / function timeout', `${Math.max(...hostile.results.map((result) => result.durationMs))} ms / ${hostile.timeoutMs} ms`],
    ['peak RSS (worker + exiftool) soak / bad inputs / configured', `${(soak.peakRssBytes / MB).toFixed(0)} MB / ${(hostile.peakRssBytes / MB).toFixed(0)} MB / ${hostile.memorySizeMb} MB`],
    ['Lambda workers for all bad inputs (1 = the process survived every one)', hostile.workers],
    ['exiftool command lines seen (random-access + stream)', figures.security.map((report) => report.commandLines.filter((argv) => path.basename(argv[0] ?? '') === 'perl').length).join(' + ')],
    ['shell injections that ran / shell uses in source', `${figures.security.reduce((sum, report) => sum + report.markerFilesCreated.length, 0)} / ${figures.shellUses.length}`],
    ['**lost**', v.lost],
    ['**overwritten**', v.overwritten],
    ['**hung**', v.hung],
    ['duplicate copies of one source', v.duplicated],
  ];
  const lines = [
    `# Reliability run`,
    '',
    `${when.toISOString()} on ${os.hostname()} (${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}); soak ${(soak.durationMs / 1000).toFixed(0)} s`,
    '',
    '| figure | value |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    '',
    '## Bad inputs',
    '',
    '| input | size | outcome | detail | ms |',
    '| --- | ---: | --- | --- | ---: |',
    ...hostile.results.map((result) => `| ${result.name.replace(/\|/g, '\\|')} | ${result.size} | ${result.outcome} | ${result.detail.slice(0, 140).replace(/\|/g, '\\|').replace(/\n/g, ' ')} | ${result.durationMs} |`),
  ];
  if (soak.failureQueue.length > 0) lines.push('', '## Failure queue', '', ...soak.failureQueue.map((failure) => `- ${failure.source} (${failure.attempts} attempts): ${failure.reason.slice(0, 300)}`));
  return `${lines.join('\n')}\n`;
}

export async function writeResults(directory: string, figures: ReliabilityFigures): Promise<string> {
  const markdown = renderMarkdown(figures);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'latest.md'), markdown);
  await writeFile(path.join(directory, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), host: os.hostname(), cores: os.cpus().length, verdict: verdict(figures), ...figures }, null, 2)}\n`);
  return markdown;
}
