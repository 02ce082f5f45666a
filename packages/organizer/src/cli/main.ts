import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { backfillCommand } from './backfill-command.js';
import { checkDestination } from './check-destination.js';
import { exitQuietlyWhenOutputCloses, reportError } from './cli-errors.js';
import { formatInvokeSummary, invokeCommand } from './invoke-command.js';
import { readKeysFile } from './keys-file.js';
import { localExiftoolDefaults } from './local-exiftool.js';
import { formatOrganizeSummary, organizeCommand } from './organize-command.js';
import { planFiles } from './plan-command.js';
import { type FiledItem, groupLines } from '../core/group-summary.js';
import { planInputs } from './plan-inputs.js';
import { parseS3Url, UsageError } from './s3-url.js';
import { createS3Client } from '../s3/client.js';
import { type DateSource } from '../core/date-policy/capture-date.js';
import { dateSourceLabel } from '../core/date-policy/date-source-labels.js';
import { configurationFromCli, settingFlagHelp, settingFlagOptions } from './flags.js';

/** Exit codes a script can rely on. */
const EXIT = { ok: 0, someFailed: 1, usage: 2 } as const;

const HELP: Record<string, string> = {
  main: `photo-organizer: file photos and videos under their capture date

Usage:
  photo-organizer plan <file or folder>... [--json]  where local files would be filed (reads them, changes nothing)
  photo-organizer organize s3://SRC[/prefix] --to s3://DEST[/prefix] [options]
  photo-organizer invoke s3://SRC[/prefix] --function NAME [options]
  photo-organizer invoke --keys-from FILE --function NAME [options]      e.g. a backfill's failed objects
  photo-organizer backfill s3://SRC[/prefix] --function NAME [options]   an S3 Batch Operations job
  photo-organizer <command> --help
  photo-organizer --version

--debug on any command prints stack traces. Exit codes: 0 done, 1 some objects failed, 2 usage
or configuration error (a bad flag, a missing file, no AWS region or credentials, access denied).`,
  plan: `photo-organizer plan <file or folder>... [--json] [--template T] [--time-zone Z] [--undated undated|upload-date]

Folders are read recursively (hidden files left out). Prints, per file, the key it would get
(relative to the destination prefix), where its date came from in plain words and the date.
Nothing is uploaded or changed. With --json: one JSON object a line
{"file","captureDate","dateSource","key"} (dateSource: the rule's name, docs/date-policy.md).`,
  organize: `photo-organizer organize s3://SRC[/prefix] --to s3://DEST[/prefix] [options]

Organizes objects already in a bucket from this machine, with the function's rules. Safe to re-run:
objects whose identical copy is already in place are not copied again.

Options:
  --to s3://DEST[/prefix]   destination bucket and prefix (required)
  --concurrency N           objects in parallel (default 4)
  --dry-run                 print the plan, write nothing
  --json                    one JSON line per object instead of the progress bar
Settings (the function's, same rules; the environment variables of the README work too):
${settingFlagHelp().join('\n')}
Credentials and region come from the usual AWS environment / profile.`,
  invoke: `photo-organizer invoke s3://SRC[/prefix] --function NAME [options]
photo-organizer invoke --keys-from FILE --function NAME [options]

Sends existing objects to the deployed function as asynchronous invocations of ObjectCreated-shaped
records: they are organized in AWS exactly like new uploads, failures go to its failure queue.
The objects are those under s3://SRC[/prefix], or those FILE names.

Options:
  --function NAME           the function name or ARN (required)
  --keys-from FILE          send the objects FILE names instead of listing a prefix: one
                            s3://bucket/key a line, the key as stored (not URL-encoded); blank lines
                            and # comments are ignored. backfill status writes such a file of the
                            objects a job failed on. A malformed line stops the run before any invocation.
  --batch-size N            records per invocation (default 10)
  --rate N                  invocations per second at most (default 10)
  --dry-run                 list what would be sent, invoke nothing
  --json                    one JSON line per invocation
  --endpoint URL            S3-compatible endpoint for the listing
  --lambda-endpoint URL     Lambda API endpoint (testing)`,
};

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP.main}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === 'backfill') return backfillCommand(rest);
  if (!(command in HELP) || command === 'main') throw new UsageError(`unknown command "${command}"; try photo-organizer --help`);
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    options: {
      ...settingFlagOptions(),
      help: { type: 'boolean', short: 'h' },
      debug: { type: 'boolean' },
      json: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      to: { type: 'string' },
      'lambda-endpoint': { type: 'string' },
      concurrency: { type: 'string' },
      function: { type: 'string' },
      'batch-size': { type: 'string' },
      rate: { type: 'string' },
      'keys-from': { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return EXIT.ok;
  }
  const flags = values as Record<string, string | boolean | undefined>;
  if (values['keys-from'] !== undefined && command !== 'invoke') throw new UsageError(`--keys-from is an option of invoke only; try photo-organizer ${command} --help`);

  if (command === 'plan') {
    if (positionals.length === 0) throw new UsageError('plan needs at least one file or folder; try photo-organizer plan --help');
    const files = await planInputs(positionals);
    if (files.length === 0) throw new UsageError(`no files in ${positionals.join(', ')}`);
    const configuration = configurationFromCli({ flags, environment: process.env, localDefaults: localExiftoolDefaults() }, { requireDestination: false });
    const filed: FiledItem[] = [];
    const failures = await planFiles(files, configuration, (line) => {
      if (line.key) filed.push({ source: line.file, targetKey: line.key, companionOf: line.companionOf });
      if (values.json) process.stdout.write(`${JSON.stringify(line)}\n`);
      else process.stdout.write(`${line.file} -> ${line.key ?? `(skipped: ${line.skipped})`}  [${dateSourceLabel(line.dateSource as DateSource)}${line.captureDate ? `, ${line.captureDate}` : ''}]\n`);
    });
    // Issue 18: the groups filed together, one line each.
    const groups = values.json ? [] : groupLines(filed);
    if (groups.length > 0) process.stdout.write(`Filed together:\n${groups.map((line) => `  ${line}`).join('\n')}\n`);
    return failures > 0 ? EXIT.someFailed : EXIT.ok;
  }

  const keysFrom = values['keys-from'];
  if (keysFrom !== undefined) {
    if (positionals.length > 0) throw new UsageError('invoke takes either s3://SRC[/prefix] or --keys-from FILE, not both; try photo-organizer invoke --help');
    return invoke(values, { kind: 'keys-file', file: keysFrom });
  }
  const [sourceUrl] = positionals;
  if (!sourceUrl || positionals.length > 1) throw new UsageError(`${command} needs exactly one s3://SRC[/prefix]; try photo-organizer ${command} --help`);
  const source = parseS3Url(sourceUrl, 'the source');

  if (command === 'organize') {
    if (!values.to) throw new UsageError('organize needs --to s3://DEST[/prefix]');
    const destination = parseS3Url(values.to, '--to');
    checkDestination(source, destination);
    const configuration = configurationFromCli({
      flags,
      environment: process.env,
      localDefaults: localExiftoolDefaults(),
      given: {
        destinationBucket: { value: destination.bucket, name: '--to' },
        destinationPrefix: { value: destination.prefix, name: '--to' },
        sourcePrefix: { value: source.prefix, name: 'the source s3://SRC/prefix' },
      },
    });
    const summary = await organizeCommand({
      source,
      configuration,
      concurrency: positiveInteger(values.concurrency, 4, '--concurrency'),
      dryRun: values['dry-run'] ?? false,
      json: values.json ?? false,
    });
    const line = formatOrganizeSummary(summary, values['dry-run'] ?? false);
    if (values.json) process.stdout.write(`${JSON.stringify({ summary })}\n`);
    else process.stdout.write(`${line}\n`);
    return summary.failed > 0 ? EXIT.someFailed : EXIT.ok;
  }

  return invoke(values, { ...source, kind: 'listing' });
}

/** `invoke`, its objects from the listing of `s3://SRC[/prefix]` or from `--keys-from FILE`. */
async function invoke(
  values: { readonly [flag: string]: string | boolean | undefined },
  from: { readonly kind: 'listing'; readonly bucket: string; readonly prefix: string } | { readonly kind: 'keys-file'; readonly file: string },
): Promise<number> {
  const functionName = typeof values.function === 'string' ? values.function : undefined;
  if (!functionName) throw new UsageError('invoke needs --function NAME');
  const dryRun = values['dry-run'] === true;
  const json = values.json === true;
  const endpoint = typeof values.endpoint === 'string' ? values.endpoint : undefined;
  const lambdaEndpoint = typeof values['lambda-endpoint'] === 'string' ? values['lambda-endpoint'] : undefined;
  const batchSize = positiveInteger(optionalString(values['batch-size']), 10, '--batch-size');
  const ratePerSecond = positiveInteger(optionalString(values.rate), 10, '--rate');
  // The whole keys file is read and checked before the first invocation: a bad line sends nothing.
  const source = from.kind === 'keys-file' ? { objects: await readKeysFile(from.file) } : { bucket: from.bucket, prefix: from.prefix };
  const s3 = createS3Client({ endpoint, forcePathStyle: endpoint !== undefined, region: undefined });
  const lambda = new LambdaClient(lambdaEndpoint ? { endpoint: lambdaEndpoint } : {});
  const summary = await invokeCommand({ s3, lambda, source, functionName, batchSize, ratePerSecond, dryRun, json, endpoint });
  const line = formatInvokeSummary(summary, functionName, dryRun);
  if (json) process.stdout.write(`${JSON.stringify({ summary })}\n`);
  else process.stdout.write(`${line}\n`);
  return summary.failed > 0 ? EXIT.someFailed : EXIT.ok;
}

function optionalString(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError(`${name} must be a whole number >= 1; got "${value}"`);
  return number;
}

exitQuietlyWhenOutputCloses();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const argv = process.argv.slice(2);
    const report = reportError(error, { command: ['plan', 'organize', 'invoke', 'backfill'].includes(argv[0] ?? '') ? argv[0] : undefined, debug: argv.includes('--debug') });
    process.stderr.write(`${report.lines}\n`);
    process.exitCode = report.exitCode;
  },
);
