/**
 * Levels, least to most severe.
 * @example
 * createLogger({ level: 'warn' satisfies LogLevel });
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Writes one JSON object per line: `{ level, message, ...base fields, ...fields, time }`. Errors in
 * fields are written as `{ name, message }`.
 * @example
 * logger.child({ requestId: context.awsRequestId }).warn('metadata unreadable', { source: 's3://in/a.jpg' });
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line (e.g. `{ requestId }` for one invocation). */
  child(fields: Record<string, unknown>): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lines below this level are dropped. @default 'info' */
  readonly level?: LogLevel;
  /** Where a line goes. @default one write to process.stdout (one CloudWatch Logs event per line) */
  readonly write?: (line: string) => void;
  /** Fields on every line. */
  readonly base?: Record<string, unknown>;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON object per line (CloudWatch Logs Insights queries fields directly; the function's log
 * format is JSON, so Lambda's own records are fields too). The handler adds the invocation's
 * `requestId` with {@link Logger.child}.
 *
 * @example
 * createLogger({ level: 'info' }).child({ requestId: context.awsRequestId }).info('organized', { source: 's3://a/b.jpg' });
 * // {"level":"info","message":"organized","requestId":"c793869b-...","source":"s3://a/b.jpg","time":"2026-11-30T22:00:00.000Z"}
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (level: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < threshold) return;
    write(JSON.stringify({ level, message, ...options.base, ...fields, time: new Date().toISOString() }, errorReplacer));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger({ ...options, base: { ...options.base, ...fields } }),
  };
}

/**
 * A logger that drops everything (library use, CLI --json).
 * @example
 * await organizeObject(reference, { ...dependencies, logger: silentLogger });
 */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
