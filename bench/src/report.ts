// Figures per strategy, and the three outputs: Markdown table, raw JSON, SVG chart (drawn by hand).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  costPerMillion,
  LAMBDA_ARM64_USD_PER_GB_SECOND,
  LAMBDA_MEMORY_GB,
  LAMBDA_USD_PER_MILLION_REQUESTS,
  PRICES_AS_OF,
  PRICES_SOURCE,
  S3_GET_USD_PER_THOUSAND,
  S3_PUT_COPY_USD_PER_THOUSAND,
  type CostPerMillion,
} from './cost.ts';
import { mean, percentile, sum } from './measure.ts';

export interface ObjectRun {
  readonly label: string;
  readonly kind: 'corpus' | 'large';
  readonly size: number;
  readonly lowerBoundBytes: number | undefined;
  readonly expectedKeys: readonly string[];
  readonly targetKey: string;
  readonly dateSource: string;
  readonly ms: number;
  /** The metadata read step alone; absent in results written before it was measured. */
  readonly readMs?: number;
  readonly bytesFetched: number;
  readonly wireBytes: number;
  readonly gets: number;
  readonly heads: number;
  readonly copies: number;
  readonly otherRequests: number;
  readonly note: string | undefined;
}

export interface StrategyRun {
  readonly strategy: string;
  readonly objects: readonly ObjectRun[];
  readonly coldStartMs: number;
  readonly peakTreeRssBytes: number;
  readonly peakExiftoolRssBytes: number;
  readonly nodeMaxRssBytes: number;
}

/** Repeated cold starts of one strategy: fresh processes, each organizing one real photo. */
export interface ColdStartSamples {
  readonly strategy: string;
  readonly photo: string;
  /** Fork -> ready for the first object (Node start, imports, reader set-up; perl's start overlaps the first object). */
  readonly initMs: readonly number[];
  /** The first object, event in -> copy done. */
  readonly firstObjectMs: readonly number[];
  /** Fork -> first object organized. */
  readonly totalMs: readonly number[];
}

export interface RunInfo {
  readonly quick: boolean;
  readonly date: Date;
  readonly finished: Date;
  readonly expectedTable: boolean;
  readonly corpusFound: boolean;
  readonly firstByteLatencyMs: number;
  readonly bytesPerSecond: number;
  readonly exiftoolVersion: string;
  /** Absent in results written before cold starts were repeated. */
  readonly coldStarts?: readonly ColdStartSamples[];
}

export interface StrategySummary {
  readonly strategy: string;
  readonly right: number;
  readonly judged: number;
  readonly corpusObjects: number;
  readonly corpusBytes: number;
  /** Body bytes the read step itself consumed (less than on the wire when it stops mid-response). */
  readonly corpusConsumedBytes: number;
  readonly corpusSize: number;
  readonly corpusLowerBound: number;
  readonly ratioToLowerBound: number;
  readonly largeBytes: number;
  readonly largeSize: number;
  readonly wireBytes: number;
  readonly requestsPerObject: number;
  readonly getsPerObject: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly readMedianMs: number;
  readonly readP95Ms: number;
  readonly meanMs: number;
  readonly coldStartMs: number;
  readonly peakTreeRssBytes: number;
  readonly peakExiftoolRssBytes: number;
  readonly nodeMaxRssBytes: number;
  readonly cost: CostPerMillion;
  /** Corpus requests per object by format (file extension, aliases merged): mean GET, HEAD, COPY. */
  readonly byFormat: readonly FormatRequests[];
  readonly misses: readonly { label: string; expected: string; got: string; note?: string | undefined }[];
  readonly large: readonly { label: string; bytes: number; size: number; requests: number; ms: number; readMs: number; right: boolean | undefined }[];
}

export interface FormatRequests {
  readonly format: string;
  readonly objects: number;
  readonly requests: number;
  readonly gets: number;
  readonly heads: number;
  readonly copies: number;
}

const FORMAT_ALIASES: Readonly<Record<string, string>> = { jpeg: 'jpg', tif: 'tiff', heif: 'heic', hif: 'heic' };

/** The format of a corpus object, by its extension (`.JPG`, `.jpeg` -> `jpg`). */
export function formatOf(label: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(label)?.[1]?.toLowerCase() ?? '(none)';
  return FORMAT_ALIASES[extension] ?? extension;
}

function requestsByFormat(objects: readonly ObjectRun[]): FormatRequests[] {
  const groups = new Map<string, ObjectRun[]>();
  for (const object of objects) {
    const format = formatOf(object.label);
    groups.set(format, [...(groups.get(format) ?? []), object]);
  }
  return [...groups.entries()]
    .map(([format, group]) => ({
      format,
      objects: group.length,
      requests: mean(group.map(requestsOf)),
      gets: mean(group.map((object) => object.gets)),
      heads: mean(group.map((object) => object.heads)),
      copies: mean(group.map((object) => object.copies)),
    }))
    .sort((left, right) => right.objects - left.objects || left.format.localeCompare(right.format));
}

export interface Summary {
  readonly run: RunInfo & { readonly machine: string };
  readonly prices: Record<string, number | string>;
  readonly strategies: readonly StrategySummary[];
  readonly raw: readonly StrategyRun[];
}

const isRight = (object: ObjectRun): boolean | undefined =>
  object.expectedKeys.length === 0 ? undefined : object.expectedKeys.includes(object.targetKey);
const requestsOf = (object: ObjectRun) => object.gets + object.heads + object.copies + object.otherRequests;

export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Linux ${os.release()}, Node ${process.version} (shared with other jobs)`;
}

export function summarize(runs: readonly StrategyRun[], info: RunInfo): Summary {
  const strategies = runs.map((run): StrategySummary => {
    const corpus = run.objects.filter((object) => object.kind === 'corpus');
    const large = run.objects.filter((object) => object.kind === 'large');
    const judged = run.objects.filter((object) => isRight(object) !== undefined);
    const withBound = corpus.filter((object) => object.lowerBoundBytes !== undefined);
    // Per-object figures and cost are over the corpus (photos and short clips); the large objects get their own table.
    const basis = corpus.length > 0 ? corpus : run.objects;
    const meanMs = mean(basis.map((object) => object.ms));
    const getOrHead = mean(basis.map((object) => object.gets + object.heads));
    const putOrCopy = mean(basis.map((object) => object.copies + object.otherRequests));
    return {
      strategy: run.strategy,
      right: judged.filter((object) => isRight(object)).length,
      judged: judged.length,
      corpusObjects: corpus.length,
      corpusBytes: sum(corpus.map((object) => object.wireBytes)),
      corpusConsumedBytes: sum(corpus.map((object) => object.bytesFetched)),
      corpusSize: sum(corpus.map((object) => object.size)),
      corpusLowerBound: sum(withBound.map((object) => object.lowerBoundBytes!)),
      ratioToLowerBound: sum(withBound.map((object) => object.wireBytes)) / sum(withBound.map((object) => object.lowerBoundBytes!)),
      largeBytes: sum(large.map((object) => object.wireBytes)),
      largeSize: sum(large.map((object) => object.size)),
      wireBytes: sum(run.objects.map((object) => object.wireBytes)),
      requestsPerObject: mean(basis.map(requestsOf)),
      getsPerObject: mean(basis.map((object) => object.gets)),
      medianMs: percentile(basis.map((object) => object.ms), 50),
      p95Ms: percentile(basis.map((object) => object.ms), 95),
      readMedianMs: percentile(basis.map((object) => object.readMs ?? Number.NaN), 50),
      readP95Ms: percentile(basis.map((object) => object.readMs ?? Number.NaN), 95),
      meanMs,
      coldStartMs: percentile(info.coldStarts?.find((item) => item.strategy === run.strategy)?.totalMs ?? [run.coldStartMs], 50),
      peakTreeRssBytes: run.peakTreeRssBytes,
      peakExiftoolRssBytes: run.peakExiftoolRssBytes,
      nodeMaxRssBytes: run.nodeMaxRssBytes,
      cost: costPerMillion(meanMs / 1000, getOrHead, putOrCopy),
      byFormat: requestsByFormat(corpus),
      misses: judged
        .filter((object) => !isRight(object))
        .map((object) => ({ label: object.label, expected: object.expectedKeys.join(' or '), got: `${object.targetKey} (${object.dateSource})`, note: object.note })),
      large: large.map((object) => ({ label: object.label, bytes: object.wireBytes, size: object.size, requests: requestsOf(object), ms: object.ms, readMs: object.readMs ?? Number.NaN, right: isRight(object) })),
    };
  });
  return {
    run: { ...info, machine: machine() },
    prices: {
      asOf: PRICES_AS_OF,
      source: PRICES_SOURCE,
      lambdaArm64UsdPerGbSecond: LAMBDA_ARM64_USD_PER_GB_SECOND,
      lambdaUsdPerMillionRequests: LAMBDA_USD_PER_MILLION_REQUESTS,
      lambdaMemoryGb: LAMBDA_MEMORY_GB,
      s3GetHeadUsdPerThousand: S3_GET_USD_PER_THOUSAND,
      s3PutCopyUsdPerThousand: S3_PUT_COPY_USD_PER_THOUSAND,
    },
    strategies,
    raw: runs,
  };
}

function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 2 ** 30) return `${(value / 2 ** 30).toFixed(2)} GiB`;
  if (value >= 2 ** 20) return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (value >= 2 ** 10) return `${(value / 2 ** 10).toFixed(0)} KiB`;
  return `${value} B`;
}
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : 'n/a');
const usd = (value: number) => `$${value.toFixed(2)}`;
const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(whole >= 1000 ? 1 : 0)}%` : 'n/a');

/** The headline: date, machine, the main table and the chart, for READMEs. */
export function headline(summary: Summary, chartPath: string): string {
  const full = markdown(summary);
  const lines = full.split('\n');
  const tableStart = lines.findIndex((line) => line.startsWith('| strategy |'));
  let tableEnd = tableStart;
  while (lines[tableEnd]?.startsWith('|')) tableEnd++;
  return [
    `Measured ${summary.run.date.toISOString().slice(0, 16).replace('T', ' ')} UTC${summary.run.quick ? ' (quick mode)' : ''} on ${summary.run.machine}.`,
    '',
    ...lines.slice(tableStart, tableEnd),
    '',
    `![bytes and latency per strategy](${chartPath})`,
  ].join('\n');
}

const README_START = '<!-- bench:latest:start (written by make bench) -->';
const README_END = '<!-- bench:latest:end -->';

/** Replaces the marked block of `readmePath` with the headline of this run. */
export async function updateReadme(summary: Summary, readmePath: string, chartPath: string): Promise<void> {
  const text = await readFile(readmePath, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return;
  await writeFile(readmePath, `${text.slice(0, start + README_START.length)}\n${headline(summary, chartPath)}\n${text.slice(end)}`);
}

export function markdown(summary: Summary, baseName = 'latest'): string {
  const { run, strategies } = summary;
  const lines: string[] = [];
  const corpusCount = strategies[0]?.corpusObjects ?? 0;
  lines.push(`# make bench${run.quick ? ' (quick)' : ''}: ${run.date.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  lines.push('');
  lines.push(`Machine: ${run.machine}. Local S3 behind a proxy adding ${run.firstByteLatencyMs} ms first-byte latency and pacing each response to ${(run.bytesPerSecond / 1e6).toFixed(0)} MB/s. exiftool ${run.exiftoolVersion} for every exiftool strategy. Objects: ${corpusCount} corpus files${run.quick ? ' (a sample)' : ''} plus ${strategies[0]?.large.length ?? 0} generated large ones, organized one at a time (event with size + ETag in -> S3 facts: a HEAD for the old designs and exifr, the first ranged GET for random-access and stream-adaptive -> read -> decide -> HEAD of the target -> CopyObject), each strategy in its own warm Node process, interleaved object by object.`);
  lines.push('');
  // The read step was timed from the second run on; older results have no such column.
  const readTimed = strategies.some((s) => Number.isFinite(s.readMedianMs));
  lines.push(`| strategy | right date | bytes fetched, corpus | vs lower bound | bytes fetched, large objects | requests / object | e2e ms median | e2e ms p95 |${readTimed ? ' read step ms median / p95 |' : ''} cold start ms | peak RSS node+exiftool | $ per 1M photos |`);
  lines.push(`|---|---|---|---|---|---|---|---|${readTimed ? '---|' : ''}---|---|---|`);
  for (const s of strategies) {
    lines.push(
      `| \`${s.strategy}\` | ${s.right}/${s.judged} (${percent(s.right, s.judged)}) | ${bytes(s.corpusBytes)} (${percent(s.corpusBytes, s.corpusSize)} of ${bytes(s.corpusSize)}) | ${s.ratioToLowerBound.toFixed(2)}x | ${bytes(s.largeBytes)} (${percent(s.largeBytes, s.largeSize)} of ${bytes(s.largeSize)}) | ${s.requestsPerObject.toFixed(2)} (${s.getsPerObject.toFixed(2)} GET) | ${ms(s.medianMs)} | ${ms(s.p95Ms)} |${readTimed ? ` ${ms(s.readMedianMs)} / ${ms(s.readP95Ms)} |` : ''} ${ms(s.coldStartMs)} | ${bytes(s.peakTreeRssBytes)} | ${usd(s.cost.totalUsd)} |`,
    );
  }
  lines.push('');
  lines.push(`- right date: the object's key below the strategy's prefix equals the organizer corpus test's expected key (packages/organizer/test/corpus/expected.tsv${run.expectedTable ? '' : ' — ABSENT in this run: only the generated objects are judged'}), or the known date of a generated object. Every strategy goes through the organizer's own date policy and key rules; only the read differs.`);
  lines.push(`- bytes fetched: every byte S3 (through the proxy) sent to the strategy's process, counted on the wire: bodies, HTTP headers, HEAD and copy responses (~1.5 KB per object, the same for all strategies). An aborted response counts for what was sent before the abort, which is what S3 would send too. "vs lower bound": over corpus files, divided by the sum of bytes_needed.tsv \`logical_unique_bytes\` (what exiftool itself reads with -fast when it can seek).`);
  lines.push('- requests / object, e2e ms (event in -> copy done), read step ms (the strategy\'s metadata read alone, inside e2e), cost: over the corpus files; requests counted at the proxy (HEAD + GET + CopyObject, including the organizer\'s HEAD of the destination before the copy, which copy-first with If-None-Match removes).');
  lines.push('- cold start: process fork -> first object organized (Node start, module load, exiftool start): the median of the repeated cold starts below when they ran, else the first object of the main run. The Lambda-sized cold start of the built bundle is in lambda-sizes*.md. Peak RSS: sum over the strategy process and its children (perl), sampled from /proc every 10 ms.');
  lines.push(`- $ per 1M photos: Lambda arm64 at ${LAMBDA_MEMORY_GB * 1024} MB (the infra default): mean corpus duration x 1 GB x $${LAMBDA_ARM64_USD_PER_GB_SECOND}/GB-s + $${LAMBDA_USD_PER_MILLION_REQUESTS}/1M invocations; S3 GET/HEAD $${S3_GET_USD_PER_THOUSAND}/1,000, PUT/COPY $${S3_PUT_COPY_USD_PER_THOUSAND}/1,000 (us-east-1). Prices (${PRICES_AS_OF}): ${PRICES_SOURCE}. Durations are this machine's, not Lambda's (1024 MB gets ~0.6 vCPU).`);
  lines.push('');
  const colds = run.coldStarts?.filter((item) => item.totalMs.length > 0) ?? [];
  if (colds.length > 0) {
    lines.push(`## Cold starts (${colds[0]!.totalMs.length} fresh processes per strategy, interleaved, on ${colds[0]!.photo})`);
    lines.push('');
    lines.push('Fork of a fresh Node process -> the photo organized. "init": until the process asked for its first object (Node start, imports, reader set-up; a warm perl starts here but is awaited by the first read); "first object": event in -> copy done. Median / p95. The Lambda-sized figures of the built bundle are in lambda-sizes*.md.');
    lines.push('');
    lines.push('| strategy | init ms | first object ms | total ms |');
    lines.push('|---|---|---|---|');
    for (const item of colds) {
      lines.push(`| \`${item.strategy}\` | ${ms(percentile(item.initMs, 50))} / ${ms(percentile(item.initMs, 95))} | ${ms(percentile(item.firstObjectMs, 50))} / ${ms(percentile(item.firstObjectMs, 95))} | ${ms(percentile(item.totalMs, 50))} / ${ms(percentile(item.totalMs, 95))} |`);
    }
    lines.push('');
  }
  lines.push('## Cost per 1M photos, broken down');
  lines.push('');
  lines.push('| strategy | Lambda duration | Lambda invocations | S3 requests | total |');
  lines.push('|---|---|---|---|---|');
  for (const s of strategies) lines.push(`| \`${s.strategy}\` | ${usd(s.cost.lambdaDurationUsd)} | ${usd(s.cost.lambdaRequestsUsd)} | ${usd(s.cost.s3RequestsUsd)} | ${usd(s.cost.totalUsd)} |`);
  lines.push('');
  lines.push('## Requests per object by format (corpus)');
  lines.push('');
  lines.push('Mean requests per object counted at the proxy: total (GET / HEAD / COPY). Formats with one or two files are noisy.');
  lines.push('');
  const formats = strategies[0]?.byFormat?.map((row) => row.format) ?? [];
  lines.push(`| format (files) | ${strategies.map((s) => `\`${s.strategy}\``).join(' | ')} |`);
  lines.push(`|---|${strategies.map(() => '---').join('|')}|`);
  for (const format of formats) {
    const count = strategies[0]?.byFormat?.find((row) => row.format === format)?.objects ?? 0;
    const cells = strategies.map((s) => {
      const row = (s.byFormat ?? []).find((item) => item.format === format);
      return row ? `${row.requests.toFixed(2)} (${row.gets.toFixed(2)} / ${row.heads.toFixed(2)} / ${row.copies.toFixed(2)})` : 'n/a';
    });
    lines.push(`| ${format} (${count}) | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('## Large objects (generated at run time)');
  lines.push('');
  lines.push('Bytes on the wire, requests, end-to-end ms (read step ms). The rest of the end-to-end time is mostly the CopyObject, a local disk copy here.');
  lines.push('');
  const labels = strategies[0]?.large.map((object) => object.label) ?? [];
  lines.push(`| object | ${strategies.map((s) => `\`${s.strategy}\``).join(' | ')} |`);
  lines.push(`|---|${strategies.map(() => '---').join('|')}|`);
  for (const [index, label] of labels.entries()) {
    const cells = strategies.map((s) => {
      const object = s.large[index]!;
      return `${bytes(object.bytes)}, ${object.requests} req, ${ms(object.ms)} ms${Number.isFinite(object.readMs) ? ` (read ${ms(object.readMs)})` : ''}${object.right === false ? ', **wrong date**' : ''}`;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('Peak RSS and bytes detail:');
  lines.push('');
  lines.push('| strategy | node+children peak | node alone (maxRSS) | one exiftool peak | corpus bytes on the wire | corpus body bytes the reader consumed |');
  lines.push('|---|---|---|---|---|---|');
  for (const s of strategies) lines.push(`| \`${s.strategy}\` | ${bytes(s.peakTreeRssBytes)} | ${bytes(s.nodeMaxRssBytes)} | ${bytes(s.peakExiftoolRssBytes)} | ${bytes(s.corpusBytes)} | ${bytes(s.corpusConsumedBytes)} |`);
  lines.push('');
  lines.push('## Misses');
  lines.push('');
  for (const s of strategies) {
    if (s.misses.length === 0) continue;
    lines.push(`<details><summary><code>${s.strategy}</code>: ${s.misses.length} of ${s.judged}</summary>`);
    lines.push('');
    for (const miss of s.misses.slice(0, 60)) {
      lines.push(`- ${miss.label}: expected ${miss.expected}, got ${miss.got}${miss.note ? ` — ${miss.note.slice(0, 120)}` : ''}`);
    }
    if (s.misses.length > 60) lines.push(`- ... ${s.misses.length - 60} more in ${baseName}.json`);
    lines.push('');
    lines.push('</details>');
    lines.push('');
  }
  lines.push(`![bytes and latency per strategy](${baseName}.svg)`);
  lines.push('');
  return lines.join('\n');
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Two horizontal bar panels: bytes fetched (log scale) and end-to-end ms (median, p95). */
export function svg(summary: Summary): string {
  const rows = summary.strategies;
  const rowHeight = 34;
  const top = 56;
  const labelWidth = 130;
  const panelWidth = 330;
  const gap = 40;
  const height = top + rows.length * rowHeight + 40;
  const width = labelWidth + 2 * panelWidth + gap + 100;
  const colors = ['#8c8c8c', '#b07aa1', '#4e79a7', '#59a14f', '#f28e2b'];
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="10" y="18" font-size="14" font-weight="bold">make bench${summary.run.quick ? ' (quick)' : ''}, ${summary.run.date.toISOString().slice(0, 10)}</text>`);
  // Panel 1: bytes fetched over all objects, log10 scale from 1 KiB.
  const totals = rows.map((row) => row.corpusBytes + row.largeBytes);
  const maxLog = Math.log10(Math.max(...totals, 1024 * 10));
  const minLog = 3;
  const x1 = labelWidth;
  parts.push(`<text x="${x1}" y="${top - 12}" font-weight="bold">bytes on the wire, all objects (log scale)</text>`);
  // Panel 2: ms per corpus object.
  const maxMs = Math.max(...rows.map((row) => row.p95Ms), 1);
  const x2 = labelWidth + panelWidth + gap;
  parts.push(`<text x="${x2}" y="${top - 12}" font-weight="bold">end-to-end ms per corpus object: median (bar), p95 (line)</text>`);
  rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    const color = colors[index % colors.length]!;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeXml(row.strategy)}</text>`);
    const total = totals[index]!;
    const length = Math.max(2, ((Math.log10(Math.max(total, 1024)) - minLog) / (maxLog - minLog)) * (panelWidth - 80));
    parts.push(`<rect x="${x1}" y="${y + 4}" width="${length.toFixed(1)}" height="${rowHeight - 12}" fill="${color}"/>`);
    parts.push(`<text x="${(x1 + length + 4).toFixed(1)}" y="${y + 17}">${escapeXml(bytes(total))}</text>`);
    const median = (row.medianMs / maxMs) * (panelWidth - 60);
    const p95 = (row.p95Ms / maxMs) * (panelWidth - 60);
    parts.push(`<rect x="${x2}" y="${y + 4}" width="${Math.max(1, median).toFixed(1)}" height="${rowHeight - 12}" fill="${color}"/>`);
    parts.push(`<line x1="${(x2 + p95).toFixed(1)}" x2="${(x2 + p95).toFixed(1)}" y1="${y + 2}" y2="${y + rowHeight - 6}" stroke="black" stroke-width="2"/>`);
    parts.push(`<text x="${(x2 + Math.max(median, p95) + 5).toFixed(1)}" y="${y + 17}">${ms(row.medianMs)} / ${ms(row.p95Ms)}</text>`);
  });
  parts.push(`<text x="10" y="${height - 12}" fill="#555">${escapeXml(summary.run.machine.slice(0, 140))}</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Writes `<baseName>.md`, `.json`, `.svg` into `directory`; returns the Markdown. */
export async function writeReport(summary: Summary, directory: string, baseName: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const text = markdown(summary, baseName);
  await writeFile(path.join(directory, `${baseName}.md`), text);
  await writeFile(path.join(directory, `${baseName}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(path.join(directory, `${baseName}.svg`), svg(summary));
  return text;
}
