import { ConfigurationError } from '../settings/configuration.js';
import { AwsSetupError } from './aws-problems.js';
import { UsageError } from './s3-url.js';

/** What the CLI prints for an error and the exit code it ends with. */
export interface ErrorReport {
  readonly lines: string;
  readonly exitCode: 1 | 2;
}

/**
 * How the CLI reports an error that ends it. Usage and set-up mistakes (a bad flag, a missing
 * file, no region, no credentials, access denied) are one line with the fix and exit code 2; any
 * other error is one line and exit code 1. `--debug` adds the stack trace and causes.
 *
 * @example
 * reportError(new UsageError('plan needs a file'), { command: 'plan', debug: false });
 * // { lines: 'photo-organizer: plan needs a file', exitCode: 2 }
 */
export function reportError(error: unknown, options: { readonly command: string | undefined; readonly debug: boolean }): ErrorReport {
  const message = oneLine(error, options.command);
  const usage =
    error instanceof UsageError ||
    error instanceof ConfigurationError ||
    error instanceof AwsSetupError ||
    String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
  const hint = usage || options.debug ? '' : ' (run again with --debug for the details)';
  const lines = [`photo-organizer: ${message}${hint}`];
  if (options.debug) lines.push(...debugLines(error));
  return { lines: lines.join('\n'), exitCode: usage ? 2 : 1 };
}

function oneLine(error: unknown, command: string | undefined): string {
  const raw = error as { code?: string; message?: string; name?: string } | undefined;
  const help = `try photo-organizer ${command ? `${command} ` : ''}--help`;
  if (raw?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(raw.message ?? '')?.[1];
    return `unknown option ${option ?? ''}${command ? ` for ${command}` : ''}; ${help}`;
  }
  if (raw?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--?[\w-]+)/.exec(raw.message ?? '')?.[1];
    return option ? `${option} needs a value; ${help}` : `${raw.message}; ${help}`;
  }
  if (raw?.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `${raw.message}; ${help}`;
  if (error instanceof ConfigurationError) {
    // The settings table already names the flag the user typed (or the variable, when it came
    // from the environment); one problem fits on one line.
    const { problems } = error;
    return problems.length === 1 ? problems[0]! : `invalid settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`;
  }
  if (error instanceof UsageError || error instanceof AwsSetupError) return error.message;
  return `${raw?.name ?? 'Error'}: ${raw?.message ?? String(error)}`;
}

function debugLines(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    lines.push(depth === 0 ? String((current as Error).stack ?? current) : `caused by: ${String((current as Error).stack ?? current)}`);
    current = (current as { cause?: unknown }).cause;
  }
  return lines;
}

/**
 * `photo-organizer plan DIR | head` closes stdout early; writing to it then fails with EPIPE.
 * That is the reader saying "enough", not an error: stop quietly, as other command-line tools do.
 */
export function exitQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
