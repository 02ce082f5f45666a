/**
 * The Lambda runtime's log: every line a worker printed or the platform wrote, bounded, with
 * listeners; and the platform's own lines (START, END, REPORT) in Lambda's text format
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
 */
import { randomBytes } from 'node:crypto';
import type { LambdaLogLine } from './lambda-runtime-types.js';

/** The most recent `maxLines` lines, oldest first, and who listens for new ones. */
export class RuntimeLog {
  readonly lines: LambdaLogLine[] = [];
  readonly #listeners = new Set<(line: LambdaLogLine) => void>();
  readonly #maxLines: number;

  constructor(maxLines: number) {
    this.#maxLines = maxLines;
  }

  emit(entry: LambdaLogLine): void {
    this.lines.push(entry);
    if (this.lines.length > this.#maxLines) this.lines.splice(0, this.lines.length - this.#maxLines);
    for (const listener of this.#listeners) listener(entry);
  }

  /** Returns unsubscribe. */
  onLog(listener: (line: LambdaLogLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clearListeners(): void {
    this.#listeners.clear();
  }
}

/** A log stream name shaped like Lambda's: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export function logStreamName(now = new Date()): string {
  return `${now.toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** The REPORT line: durations in ms (billed rounded up), memory in MB, init duration on a cold start. */
export function reportLine(report: { requestId: string; durationMs: number; memorySizeMb: number; maxRssBytes: number; initDurationMs?: number }): string {
  const init = report.initDurationMs === undefined ? '' : `\tInit Duration: ${report.initDurationMs.toFixed(2)} ms`;
  return (
    `REPORT RequestId: ${report.requestId}\tDuration: ${report.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(report.durationMs)} ms` +
    `\tMemory Size: ${report.memorySizeMb} MB\tMax Memory Used: ${Math.round(report.maxRssBytes / 1048576)} MB${init}`
  );
}
