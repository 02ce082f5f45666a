/** A one-line progress bar on a terminal; plain lines (one per item) otherwise, for logs and pipes. */
export interface Progress {
  tick(line: string): void;
  done(): void;
}

export function createProgress(total: number, options: { stream?: NodeJS.WriteStream; quiet?: boolean } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  let count = 0;
  if (options.quiet) return { tick() {}, done() {} };
  if (!stream.isTTY) {
    return {
      tick(line) {
        count++;
        stream.write(`[${count}/${total}] ${line}\n`);
      },
      done() {},
    };
  }
  const width = 30;
  return {
    tick(line) {
      count++;
      const filled = total === 0 ? width : Math.round((count / total) * width);
      const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} ${line}`;
      stream.write(`\r\x1b[2K${text.slice(0, (stream.columns ?? 100) - 1)}`);
    },
    done() {
      stream.write('\n');
    },
  };
}
