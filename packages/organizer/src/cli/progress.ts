import { MultiBar, Presets } from 'cli-progress';

/**
 * Progress of a command over many objects. On a terminal: a bar with count, percentage, rate,
 * ETA and the last item (cli-progress; failures are printed above the bar so they stay on
 * screen). Otherwise (a pipe, a log file, CI): one plain line per item, `[12/340] a.jpg -> ...`.
 */
export interface Progress {
  /** One item finished; `line` says what happened. `important` lines (failures) stay visible. */
  tick(line: string, options?: { readonly important?: boolean }): void;
  /** Stops the bar (leaving its last state on screen). */
  done(): void;
}

export interface ProgressOptions {
  /** @default process.stderr, so stdout stays clean for --json and pipes */
  readonly stream?: NodeJS.WriteStream;
  /** Print nothing (--json). */
  readonly quiet?: boolean;
  /** What is counted, for the bar: `objects`, `invocations`. @default 'items' */
  readonly unit?: string;
}

/**
 * @example
 * const progress = createProgress(references.length, { unit: 'objects' });
 * progress.tick('a.jpg -> 2019-07-15/a.jpg');
 * progress.done();
 */
export function createProgress(total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { tick() {}, done() {} };
  let count = 0;
  if (!stream.isTTY) {
    return {
      tick(line) {
        count++;
        stream.write(`[${count}/${total}] ${line}\n`);
      },
      done() {},
    };
  }
  // cli-progress (https://github.com/npkg/cli-progress): the widely used terminal progress bar;
  // it redraws in place, computes the ETA from a moving window, and truncates to the terminal width.
  const bars = new MultiBar(
    {
      stream,
      format: `{bar} {value}/{total} ${options.unit ?? 'items'} {percentage}% | {rate}/s | ETA {eta_formatted} | {last}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 10,
      linewrap: false,
    },
    Presets.shades_classic,
  );
  const bar = bars.create(total, 0, { rate: '0.0', last: '' });
  const started = performance.now();
  return {
    tick(line, tickOptions) {
      count++;
      const seconds = (performance.now() - started) / 1000;
      if (tickOptions?.important) bars.log(`${line}\n`);
      bar.increment(1, { rate: seconds > 0 ? (count / seconds).toFixed(1) : '0.0', last: line });
    },
    done() {
      bars.stop();
    },
  };
}
