/** The figures of a run as a Markdown table (printed, and written to results/latest.md + .json). */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HostileReport } from './hostile-inputs.ts';
import type { SecurityReport } from './security.ts';
import type { SoakResult } from './soak.ts';

export interface ReliabilityFigures {
  /** One soak per seed (move mode and sidecars on in some of them). */
  readonly soaks: readonly SoakResult[];
  readonly hostile: HostileReport;
  /** The deflate bomb alone, with the function's default exiftool timeout (full run only). */
  readonly bombAtDefaultTimeout?: HostileReport;
  readonly security: readonly SecurityReport[];
  readonly shellUses: readonly { file: string; line: number; text: string }[];
}

const MB = 1024 * 1024;
const sum = (soaks: readonly SoakResult[], figure: (soak: SoakResult) => number) => soaks.reduce((total, soak) => total + figure(soak), 0);

/** Request kinds the soak must have faulted whenever the function sent at least this many of them. */
const FAULT_COVERAGE_MIN_REQUESTS = 20;
/** Lambda's retry path must carry at least this share of invocations. */
export const MIN_RETRY_SHARE = 0.1;

/** What the soak failed to exercise: request kinds sent often but never faulted, too few Lambda retries, no mutation. */
export function coverageGaps(soaks: readonly SoakResult[]): string[] {
  const gaps: string[] = [];
  const kinds = new Set(soaks.flatMap((soak) => Object.keys(soak.requestsByKind))) as Set<keyof SoakResult['requestsByKind']>;
  for (const kind of kinds) {
    const requests = sum(soaks, (soak) => soak.requestsByKind[kind]);
    if (kind !== 'other' && requests >= FAULT_COVERAGE_MIN_REQUESTS && sum(soaks, (soak) => soak.faultsByKind[kind]) === 0) gaps.push(`no fault on ${kind} (${requests} requests)`);
  }
  const retries = sum(soaks, (soak) => soak.lambdaRetries);
  const invocations = sum(soaks, (soak) => soak.invocations);
  if (retries < MIN_RETRY_SHARE * invocations) gaps.push(`only ${retries} of ${invocations} invocations were Lambda retries (< ${MIN_RETRY_SHARE * 100}%)`);
  if (!soaks.some((soak) => soak.move)) gaps.push('no soak in move mode');
  if (!soaks.some((soak) => soak.sidecar)) gaps.push('no soak with sidecars');
  if (sum(soaks, (soak) => Object.values(soak.reuploads).reduce((a, b) => a + b, 0)) === 0) gaps.push('no re-upload while processing');
  if (sum(soaks, (soak) => Object.values(soak.userDeletes).reduce((a, b) => a + b, 0)) === 0) gaps.push('no delete while processing');
  return gaps;
}

/** The numbers that must be 0. */
export function verdict(figures: ReliabilityFigures) {
  const { soaks, hostile } = figures;
  // An uploaded input must end filed or rejected; an event alone (no object) may also end as a function error that names it.
  const hostileUndecided = hostile.results.filter((result) => result.outcome === 'none' || result.timedOut || (result.outcome === 'failed' && (result.key !== undefined || !result.detail.trim()))).length;
  return {
    lost: sum(soaks, (soak) => soak.lost.length + soak.mismatched.length) + hostileUndecided,
    overwritten: sum(soaks, (soak) => soak.overwritten.length + soak.sidecarsOverwritten.length),
    hung: sum(soaks, (soak) => soak.hung) + hostile.timeouts + hostile.crashes,
    duplicated: sum(soaks, (soak) => soak.duplicated.length),
    // The local server copies one version whole since 2026-12-01: a copy torn between two is a defect.
    copySourceRaces: sum(soaks, (soak) => soak.duplicatedByCopySourceRace.length + soak.mismatchedByCopySourceRace.length),
    unverifiedSkips: sum(soaks, (soak) => soak.unverifiedSkips.length),
    collisionProblems: sum(soaks, (soak) => soak.collisionProblems.length),
    sidecarProblems: sum(soaks, (soak) => soak.sidecarProblems.length),
    unexplainedFailures: sum(soaks, (soak) => soak.failureQueue.filter((failure) => !failure.reason.trim()).length),
    injections: figures.security.reduce((total, report) => total + report.markerFilesCreated.length, 0) + figures.shellUses.length + hostile.markersCreated.length,
    unsafeLandings: hostile.unsafeLandings.length,
    overMemory: [hostile, ...(figures.bombAtDefaultTimeout ? [figures.bombAtDefaultTimeout] : [])].filter((report) => report.peakRssBytes > report.memorySizeMb * MB).length + soaks.filter((soak) => soak.peakRssBytes > soak.memorySizeMb * MB).length,
    coverageGaps: coverageGaps(soaks).length,
  };
}

/** One row per soak figure: a column per seed, then the total. */
function soakRows(soaks: readonly SoakResult[]): string[] {
  const kinds = Object.keys(soaks[0]?.requestsByKind ?? {}) as (keyof SoakResult['requestsByKind'])[];
  const count = (record: Readonly<Record<string, number>>) => Object.values(record).reduce((a, b) => a + b, 0);
  const rows: [string, (soak: SoakResult) => string | number, ((all: readonly SoakResult[]) => string | number)?][] = [
    ['mode', (soak) => `${soak.move ? 'move' : 'copy'}${soak.sidecar ? ' + sidecars' : ''}`, () => ''],
    ['uploads (corpus / generated / same-name bursts)', (soak) => `${soak.uploads} (${soak.corpusUploads} / ${soak.generatedUploads} / ${soak.collisions})`, (all) => sum(all, (soak) => soak.uploads)],
    ['versions uploaded (uploads + re-uploads)', (soak) => soak.versionsUploaded, (all) => sum(all, (soak) => soak.versionsUploaded)],
    ['re-uploads of a key being processed (other bytes)', (soak) => `${count(soak.reuploads)} (${Object.entries(soak.reuploads).map(([name, value]) => `${name} ${value}`).join(', ')})`, (all) => sum(all, (soak) => count(soak.reuploads))],
    ['deletes of a key being processed', (soak) => `${count(soak.userDeletes)} (${Object.entries(soak.userDeletes).map(([name, value]) => `${name} ${value}`).join(', ')})`, (all) => sum(all, (soak) => count(soak.userDeletes))],
    ['events delivered (duplicates / held back and delivered late)', (soak) => `${soak.deliveries} (${soak.duplicatesDelivered} / ${soak.reordered})`, (all) => sum(all, (soak) => soak.deliveries)],
    ['invocations (Lambda retries of a failed one)', (soak) => `${soak.invocations} (${soak.lambdaRetries}, ${((100 * soak.lambdaRetries) / Math.max(1, soak.invocations)).toFixed(0)}%)`, (all) => `${sum(all, (soak) => soak.invocations)} (${sum(all, (soak) => soak.lambdaRetries)})`],
    ['S3 requests by the function, through the fault proxy', (soak) => soak.proxiedRequests, (all) => sum(all, (soak) => soak.proxiedRequests)],
    ['faults injected (503 / 500 / reset mid-body / slow first byte)', (soak) => `${soak.faultsInjected} (${soak.faults['slowdown']} / ${soak.faults['internal']} / ${soak.faults['reset-mid-body']} / ${soak.faults['slow-first-byte']})`, (all) => sum(all, (soak) => soak.faultsInjected)],
    ...kinds.map((kind): [string, (soak: SoakResult) => string, (all: readonly SoakResult[]) => string] => [
      `${kind}: requests / faults (failed on every SDK attempt)`,
      (soak) => `${soak.requestsByKind[kind]} / ${soak.faultsByKind[kind]} (${soak.hardFailedRequestsByKind[kind]})`,
      (all) => `${sum(all, (soak) => soak.requestsByKind[kind])} / ${sum(all, (soak) => soak.faultsByKind[kind])} (${sum(all, (soak) => soak.hardFailedRequestsByKind[kind])})`,
    ]),
    ['failure queue (every entry names its reason)', (soak) => soak.failureQueue.length, (all) => sum(all, (soak) => soak.failureQueue.length)],
    ['versions: in library / undated / kept in source / superseded by a re-upload / deleted by the user', (soak) => `${soak.fates['in-library']} / ${soak.fates['in-library-undated']} / ${soak.fates['kept-in-source']} / ${soak.fates.superseded} / ${soak.fates['deleted-by-user']}`],
    ['skips logged (by reason; not confirmed by S3)', (soak) => `${Object.entries(soak.skips).map(([reason, value]) => `${reason} ${value}`).join(', ') || 'none'} (${soak.unverifiedSkips.length})`],
    ['move mode: copied but source kept', (soak) => (soak.move ? soak.copiedNotMoved : '-'), (all) => sum(all, (soak) => soak.copiedNotMoved)],
    ['sidecars rewritten with the same bytes / missing while the event is in the failure queue', (soak) => (soak.sidecar ? `${soak.sidecarRewritesSameBytes} / ${soak.sidecarsAwaitingRedrive}` : '-'), (all) => `${sum(all, (soak) => soak.sidecarRewritesSameBytes)} / ${sum(all, (soak) => soak.sidecarsAwaitingRedrive)}`],
    ['multipart copies started / uploads left for the lifecycle rule (kept to resume, never resumed; id never seen by the function)', (soak) => `${soak.multipartCopies} / ${soak.orphanMultipartUploads} (${soak.orphansWithoutAbort}; ${soak.orphansUnknownToFunction})`],
    ['**lost** (versions in neither bucket, for no reason S3 confirms)', (soak) => soak.lost.length + soak.mismatched.length, (all) => sum(all, (soak) => soak.lost.length + soak.mismatched.length)],
    ['**overwritten** (photos; sidecars with other bytes)', (soak) => `${soak.overwritten.length}; ${soak.sidecarsOverwritten.length}`, (all) => sum(all, (soak) => soak.overwritten.length + soak.sidecarsOverwritten.length)],
    ['**duplicated**', (soak) => soak.duplicated.length, (all) => sum(all, (soak) => soak.duplicated.length)],
    ['**duplicated / torn by a copy reading a source mid-rewrite** (the local server now holds the source during a copy: must be 0)', (soak) => `${soak.duplicatedByCopySourceRace.length} / ${soak.mismatchedByCopySourceRace.length}`, (all) => `${sum(all, (soak) => soak.duplicatedByCopySourceRace.length)} / ${sum(all, (soak) => soak.mismatchedByCopySourceRace.length)}`],
    ['**hung**', (soak) => soak.hung, (all) => sum(all, (soak) => soak.hung)],
    ['soak time', (soak) => `${(soak.durationMs / 1000).toFixed(0)} s`, (all) => `${(sum(all, (soak) => soak.durationMs) / 1000).toFixed(0)} s`],
  ];
  return [
    `| soak figure | ${soaks.map((soak) => `seed ${soak.seed}`).join(' | ')} | total |`,
    `| --- | ${soaks.map(() => '---').join(' | ')} | --- |`,
    ...rows.map(([name, each, total]) => `| ${name} | ${soaks.map((soak) => String(each(soak)).replace(/\|/g, '\\|')).join(' | ')} | ${total ? total(soaks) : ''} |`),
  ];
}

export function renderMarkdown(figures: ReliabilityFigures, when = new Date(), command = 'make reliability'): string {
  const { soaks, hostile } = figures;
  const v = verdict(figures);
  const byOutcome = (outcome: string) => hostile.results.filter((result) => result.outcome === outcome).length;
  const rows: [string, string | number][] = [
    ['bad inputs tried', hostile.results.length - 1],
    ['bad-input outcomes (organized / undated / rejected / failed / none)', `${byOutcome('organized')} / ${byOutcome('undated')} / ${byOutcome('rejected')} / ${byOutcome('failed')} / ${byOutcome('none')}`],
    ['slowest bad input / function timeout', `${Math.max(...hostile.results.map((result) => result.durationMs))} ms / ${hostile.timeoutMs} ms`],
    ['peak RSS (worker + exiftool) soak / bad inputs / configured', `${(Math.max(...soaks.map((soak) => soak.peakRssBytes)) / MB).toFixed(0)} MB / ${(hostile.peakRssBytes / MB).toFixed(0)} MB / ${hostile.memorySizeMb} MB`],
    ['Lambda workers for all bad inputs (1 = the process survived every one)', hostile.workers],
    ...(figures.bombAtDefaultTimeout
      ? [[`deflate bomb with the default exiftool timeout (${figures.bombAtDefaultTimeout.exiftoolTimeoutMs} ms): outcome, time, peak RSS`, `${figures.bombAtDefaultTimeout.results[0]?.outcome} ${figures.bombAtDefaultTimeout.results[0]?.detail.slice(0, 100)}, ${figures.bombAtDefaultTimeout.results[0]?.durationMs} ms, ${(figures.bombAtDefaultTimeout.results[0]!.maxRssBytes / MB).toFixed(0)} MB of ${figures.bombAtDefaultTimeout.memorySizeMb} MB`] as [string, string]]
      : []),
    ['exiftool command lines seen (random-access + stream)', figures.security.map((report) => report.commandLines.filter((argv) => path.basename(argv[0] ?? '') === 'perl').length).join(' + ')],
    ['code that ran from a key or a file (marker files) / shell uses in source', `${figures.security.reduce((total, report) => total + report.markerFilesCreated.length, 0) + hostile.markersCreated.length} / ${figures.shellUses.length}`],
    ['copies that landed outside their date folder (`..`, `.`, NUL, leading `/`)', hostile.unsafeLandings.length],
    ...Object.entries(v).map(([name, value]): [string, number] => [`**${name}**`, value]),
  ];
  const lines = [
    `# Reliability run`,
    '',
    `\`${command}\`, ${when.toISOString()} on ${os.hostname()} (${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, load average ${os.loadavg().map((value) => value.toFixed(1)).join(' ')} at the end)`,
    '',
    ...soakRows(soaks),
    '',
    ...coverageGaps(soaks).map((gap) => `- coverage gap: ${gap}`),
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
  const failures = soaks.flatMap((soak) => soak.failureQueue.map((failure) => `- seed ${soak.seed}: ${failure.source} (${failure.attempts} attempts): ${failure.reason.slice(0, 300)}`));
  if (failures.length > 0) lines.push('', '## Failure queue', '', ...failures);
  const problems = problemLines(soaks);
  if (problems.length > 0) lines.push('', '## Problems', '', ...problems.slice(0, 60), ...(problems.length > 60 ? [`- ... and ${problems.length - 60} more (results/latest.json)`] : []));
  if (hostile.unsafeLandings.length > 0) lines.push('', '## Unsafe landings', '', ...hostile.unsafeLandings.map((item) => `- ${item}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Every problem the soaks found, one `- seed N: ...` line each (the report's "Problems" section,
 * and what the CI soak test leaves for the end of the CI log).
 * @example
 * problemLines(soaks); // ['- seed 7: 2020-01-01/a.jpg: no sidecar']
 */
export function problemLines(soaks: readonly SoakResult[]): string[] {
  return soaks.flatMap((soak) =>
    [...soak.lost.map((item) => `lost ${item}`), ...soak.mismatched.map((item) => `mismatched ${item}`), ...soak.overwritten, ...soak.sidecarsOverwritten, ...soak.duplicated.map((item) => `duplicated ${item}`), ...soak.duplicatedByCopySourceRace.map((item) => `duplicated by the local server's copy-source race ${item}`), ...soak.mismatchedByCopySourceRace.map((item) => `torn by the local server's copy-source race ${item}`), ...soak.unverifiedSkips.map((item) => `unconfirmed skip ${item}`), ...soak.collisionProblems, ...soak.sidecarProblems].map((item) => `- seed ${soak.seed}: ${item}`),
  );
}

export async function writeResults(directory: string, figures: ReliabilityFigures, command = 'make reliability'): Promise<string> {
  const markdown = renderMarkdown(figures, new Date(), command);
  await mkdir(directory, { recursive: true });
  // A NUL from a hostile key would make the file binary to git and grep: shown as U+2400.
  await writeFile(path.join(directory, 'latest.md'), markdown.replaceAll('\u0000', '\u2400'));
  await writeFile(path.join(directory, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), command, host: os.hostname(), cores: os.cpus().length, loadAverage: os.loadavg(), coverageGaps: coverageGaps(figures.soaks), verdict: verdict(figures), ...figures }, null, 2)}\n`);
  return markdown;
}
