/**
 * `photo-organizer backfill`: organizes a library already in S3 with one S3 Batch Operations job
 * that invokes the deployed function once per object (`LambdaInvoke`, invocation schema 2.0), and
 * `backfill status JOB`: progress, then a summary of the job's completion report.
 * AWS references: CreateJob https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html,
 * the manifest generator https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_S3JobManifestGenerator.html,
 * completion reports https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { type CreateJobCommandInput, CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { estimateBackfill, formatDuration, MEASURED_PER_OBJECT } from '@photo-organizer/backfill-model';
import { parse } from 'csv-parse/sync';
import type { ObjectReference } from '../core/object-reference.js';
import { createS3Client } from '../s3/client.js';
import { formatKeysFile } from './keys-file.js';
import { parseS3Url, UsageError } from './s3-url.js';

/** The command's help text (`photo-organizer backfill --help`). */
export const BACKFILL_HELP = `photo-organizer backfill --terraform-output FILE [s3://SRC[/prefix]] [options]
photo-organizer backfill s3://SRC[/prefix] --function NAME|ARN --role-arn ARN --report s3://BUCKET[/prefix] [options]
photo-organizer backfill status JOB_ID (--account-id ID | --terraform-output FILE) [--failed-keys FILE]

Organizes the objects already in a bucket: starts an S3 Batch Operations job that invokes the
deployed function once per object, exactly as for new uploads (objects already organized are not
copied again). Prints the object count and the estimated time and cost, and asks before starting.

Options:
  --terraform-output FILE   the module's output (terraform output -json backfill > FILE): fills in the
                            source, function, role, report location, account and region
  --function NAME|ARN       the function (required unless --terraform-output)
  --role-arn ARN            the Batch Operations role (required unless --terraform-output)
  --report s3://B[/prefix]  where the completion report goes (required unless --terraform-output)
  --created-after DATE      only objects created on or after DATE (ISO 8601), e.g. since the last backfill
  --inventory s3://B/K      use an existing S3 Inventory report's manifest.json instead of listing
  --priority N              the job's priority (default 10)
  --concurrency N           function concurrency available to the job, for the estimate (default 1000)
  --account-id ID           the AWS account (default: from --function when it is an ARN)
  --region R                (default: the AWS environment's or profile's)
  --yes                     start without asking (needed when stdin is not a terminal)
  --endpoint URL            S3-compatible endpoint for listing (testing)
  --s3-control-endpoint URL S3 Control endpoint (testing)

status: the job's state, tasks succeeded / failed / total and rate; once complete, how many objects
were organized, undated, skipped and failed, with the failed ones written to --failed-keys
(default backfill-failed-<JOB>.txt), one s3://bucket/key a line; retry them with:
photo-organizer invoke --keys-from FILE --function NAME`;

/** What the command prints to and reads from; tests pass their own. */
export interface BackfillIo {
  readonly out: (text: string) => void;
  /** Whether a person can answer a question (stdin is a terminal). */
  readonly interactive: boolean;
  /** Asks a question and resolves with the answer. */
  readonly ask: (question: string) => Promise<string>;
}

/** The job to create, as the flags describe it. */
export interface BackfillPlan {
  readonly accountId: string;
  readonly functionArn: string;
  readonly roleArn: string;
  readonly source: { readonly bucket: string; readonly prefix: string };
  readonly report: { readonly bucket: string; readonly prefix: string };
  readonly priority: number;
  readonly createdAfter?: Date;
  /** An S3 Inventory report's manifest.json and its ETag. */
  readonly inventory?: { readonly bucket: string; readonly key: string; readonly etag: string };
  readonly clientRequestToken: string;
}

/** What a completion report says, by the function's result. */
export interface BackfillReportSummary {
  readonly organized: number;
  readonly undated: number;
  readonly skipped: number;
  readonly failed: number;
  /** Every failed object, key decoded (as S3 stores it). */
  readonly failedObjects: readonly Pick<ObjectReference, 'bucket' | 'key'>[];
}

const EXIT = { ok: 0, someFailed: 1 } as const;

function terminalIo(): BackfillIo {
  return {
    out: (text) => process.stdout.write(text),
    interactive: Boolean(process.stdin.isTTY),
    async ask(question) {
      const readline = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await readline.question(question);
      } finally {
        readline.close();
      }
    },
  };
}

/**
 * Runs `backfill …` or `backfill status …` with the arguments after `backfill`.
 *
 * @returns the exit code: 0 done, 1 the job or some objects failed
 * @throws {UsageError} for bad flags, or no terminal to confirm on without `--yes`
 * @example
 * ```ts
 * process.exitCode = await backfillCommand(['s3://photos/2019/', '--function', arn, '--role-arn', role, '--report', 's3://reports/backfill', '--yes']);
 * ```
 */
export async function backfillCommand(argv: readonly string[], io: BackfillIo = terminalIo()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      function: { type: 'string' },
      'role-arn': { type: 'string' },
      report: { type: 'string' },
      'created-after': { type: 'string' },
      inventory: { type: 'string' },
      priority: { type: 'string' },
      concurrency: { type: 'string' },
      'account-id': { type: 'string' },
      region: { type: 'string' },
      yes: { type: 'boolean' },
      'failed-keys': { type: 'string' },
      endpoint: { type: 'string' },
      's3-control-endpoint': { type: 'string' },
      'terraform-output': { type: 'string' },
    },
  });
  if (values.help) {
    io.out(`${BACKFILL_HELP}\n`);
    return EXIT.ok;
  }
  // Flags win over the module's `backfill` output, which fills in the rest.
  const moduleOutput = values['terraform-output'] ? await readTerraformOutput(values['terraform-output']) : undefined;
  const functionFlag = values.function ?? moduleOutput?.function_arn;
  const roleFlag = values['role-arn'] ?? moduleOutput?.role_arn;
  const reportFlag = values.report ?? (moduleOutput?.report_bucket ? `s3://${moduleOutput.report_bucket}/${moduleOutput.report_prefix ?? ''}` : undefined);
  const accountFlag = values['account-id'] ?? moduleOutput?.account_id;
  const regionFlag = values.region ?? moduleOutput?.region;
  // Without --region the SDK takes the region from the AWS environment or profile, as for every command.
  const regionOption = regionFlag ? { region: regionFlag } : {};
  const s3 = createS3Client({ endpoint: values.endpoint, forcePathStyle: values.endpoint !== undefined, region: regionFlag });
  // S3 Control's endpoint rules put the account id in the host name; a test endpoint is used as given.
  const controlEndpoint = values['s3-control-endpoint'] ? new URL(values['s3-control-endpoint']) : undefined;
  const control = new S3ControlClient({ ...regionOption, ...(controlEndpoint ? { endpointProvider: () => ({ url: controlEndpoint }) } : {}) });

  if (positionals[0] === 'status') {
    const jobId = positionals[1];
    if (!jobId || positionals.length > 2) throw new UsageError('backfill status needs exactly one JOB_ID');
    const accountId = accountFlag ?? accountOf(functionFlag);
    if (!accountId) throw new UsageError('backfill status needs --account-id (or --function as an ARN, or --terraform-output)');
    return statusCommand({ control, s3, io, jobId, accountId, failedKeysFile: values['failed-keys'] ?? `backfill-failed-${jobId}.txt` });
  }

  const sourceUrl = positionals[0] ?? (moduleOutput?.source_bucket ? `s3://${moduleOutput.source_bucket}/${moduleOutput.source_prefix ?? ''}` : undefined);
  if (!sourceUrl || positionals.length > 1) throw new UsageError('backfill needs exactly one s3://SRC[/prefix]; try photo-organizer backfill --help');
  const source = parseS3Url(sourceUrl, 'the source');
  if (!functionFlag) throw new UsageError('backfill needs --function NAME or ARN (or --terraform-output)');
  if (!roleFlag) throw new UsageError('backfill needs --role-arn, the Batch Operations role (or --terraform-output)');
  if (!reportFlag) throw new UsageError('backfill needs --report s3://BUCKET[/prefix] for the completion report (or --terraform-output)');
  const accountId = accountFlag ?? accountOf(functionFlag);
  if (!accountId || !/^\d{12}$/.test(accountId)) throw new UsageError(`--account-id must be 12 digits (or pass --function as an ARN); got "${accountId ?? ''}"`);
  const createdAfter = values['created-after'] === undefined ? undefined : new Date(values['created-after']);
  if (createdAfter && Number.isNaN(createdAfter.getTime())) throw new UsageError(`--created-after must be an ISO 8601 date; got "${values['created-after']}"`);
  const inventoryUrl = values.inventory ? parseS3Url(values.inventory, '--inventory') : undefined;
  if (inventoryUrl && !inventoryUrl.prefix.endsWith('manifest.json')) throw new UsageError('--inventory must name an S3 Inventory manifest.json');
  const inventory = inventoryUrl
    ? { bucket: inventoryUrl.bucket, key: inventoryUrl.prefix, etag: (await s3.send(new HeadObjectCommand({ Bucket: inventoryUrl.bucket, Key: inventoryUrl.prefix }))).ETag ?? '' }
    : undefined;
  const plan: BackfillPlan = {
    accountId,
    functionArn: functionFlag.startsWith('arn:') ? functionFlag : `arn:aws:lambda:${await control.config.region()}:${accountId}:function:${functionFlag}`,
    roleArn: roleFlag,
    source,
    report: parseS3Url(reportFlag, '--report'),
    priority: wholeNumber(values.priority, 10, '--priority', 0),
    clientRequestToken: randomUUID(),
    ...(createdAfter ? { createdAfter } : {}),
    ...(inventory ? { inventory } : {}),
  };
  const concurrency = wholeNumber(values.concurrency, 1000, '--concurrency', 1);

  const counted = inventory ? await countInventory(s3, inventory) : await countObjects(s3, source, createdAfter);
  const where = inventory ? `the inventory s3://${inventory.bucket}/${inventory.key}` : `s3://${source.bucket}/${source.prefix}${createdAfter ? ` created on or after ${createdAfter.toISOString()}` : ''}`;
  io.out(`${counted.objects.toLocaleString('en-US')} objects${counted.bytes === undefined ? '' : ` (${(counted.bytes / 1e9).toFixed(2)} GB)`} in ${where}\n`);
  if (counted.objects === 0) {
    io.out('nothing to do: no job created\n');
    return EXIT.ok;
  }
  const estimate = estimateBackfill(MEASURED_PER_OBJECT, { objects: counted.objects, concurrency });
  io.out(
    `estimate: ${formatDuration(estimate.wallSeconds)}, up to ${estimate.peakConcurrency} concurrent invocations (limit: ${estimate.limitingFactor}), ` +
      `${Math.round(estimate.s3Requests.total).toLocaleString('en-US')} S3 requests, $${estimate.usd.total.toFixed(2)} ` +
      `(Batch Operations $${estimate.usd.batchOperations.toFixed(2)}, Lambda $${(estimate.usd.lambdaRequests + estimate.usd.lambdaDuration).toFixed(2)}, S3 requests $${estimate.usd.s3Requests.toFixed(2)}); ` +
      `per-object figures from ${MEASURED_PER_OBJECT.source}\n`,
  );
  if (!values.yes) {
    if (!io.interactive) throw new UsageError('no terminal to confirm on: pass --yes to start the job');
    const answer = (await io.ask('start the Batch Operations job? [y/N] ')).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') {
      io.out('not started\n');
      return EXIT.ok;
    }
  }
  const { JobId } = await control.send(new CreateJobCommand(createJobInput(plan)));
  io.out(`job ${JobId} created; follow it with: photo-organizer backfill status ${JobId} --account-id ${accountId}\n`);
  return EXIT.ok;
}

/**
 * The CreateJob request for a plan: a `LambdaInvoke` operation with invocation schema 2.0, the
 * manifest generator filtered by prefix and creation date (or the inventory report), a completion
 * report of all tasks, no confirmation step (the CLI asked already).
 *
 * @example
 * ```ts
 * await control.send(new CreateJobCommand(createJobInput(plan)));
 * ```
 */
export function createJobInput(plan: BackfillPlan): CreateJobCommandInput {
  const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
  const manifest: Pick<CreateJobCommandInput, 'Manifest' | 'ManifestGenerator'> = plan.inventory
    ? {
        Manifest: {
          Spec: { Format: 'S3InventoryReport_CSV_20161130' },
          Location: { ObjectArn: `${bucketArn(plan.inventory.bucket)}/${plan.inventory.key}`, ETag: plan.inventory.etag },
        },
      }
    : {
        ManifestGenerator: {
          S3JobManifestGenerator: {
            SourceBucket: bucketArn(plan.source.bucket),
            EnableManifestOutput: false,
            Filter: {
              ...(plan.source.prefix ? { KeyNameConstraint: { MatchAnyPrefix: [plan.source.prefix] } } : {}),
              ...(plan.createdAfter ? { CreatedAfter: plan.createdAfter } : {}),
            },
          },
        },
      };
  return {
    AccountId: plan.accountId,
    ConfirmationRequired: false,
    Operation: { LambdaInvoke: { FunctionArn: plan.functionArn, InvocationSchemaVersion: '2.0' } },
    Report: { Bucket: bucketArn(plan.report.bucket), Prefix: plan.report.prefix || undefined, Format: 'Report_CSV_20180820', Enabled: true, ReportScope: 'AllTasks' },
    ClientRequestToken: plan.clientRequestToken,
    Priority: plan.priority,
    RoleArn: plan.roleArn,
    Description: `photo-organizer backfill s3://${plan.source.bucket}/${plan.source.prefix}`.slice(0, 256),
    ...manifest,
  };
}

async function statusCommand(options: { control: S3ControlClient; s3: S3Client; io: BackfillIo; jobId: string; accountId: string; failedKeysFile: string }): Promise<number> {
  const { Job: job } = await options.control.send(new DescribeJobCommand({ AccountId: options.accountId, JobId: options.jobId }));
  const progress = job?.ProgressSummary;
  const total = progress?.TotalNumberOfTasks ?? 0;
  const succeeded = progress?.NumberOfTasksSucceeded ?? 0;
  const failed = progress?.NumberOfTasksFailed ?? 0;
  const elapsed = progress?.Timers?.ElapsedTimeInActiveSeconds;
  const rate = elapsed ? ` at ${((succeeded + failed) / elapsed).toFixed(1)} objects/s` : '';
  options.io.out(`job ${options.jobId}: ${job?.Status ?? 'unknown'}, ${succeeded} succeeded, ${failed} failed of ${total}${rate}\n`);
  for (const failure of job?.FailureReasons ?? []) options.io.out(`job failure: ${failure.FailureCode}: ${failure.FailureReason}\n`);
  if (job?.Status !== 'Complete') return job?.Status === 'Failed' || job?.Status === 'Cancelled' ? EXIT.someFailed : EXIT.ok;
  const report = job.Report;
  if (!report?.Enabled || !report.Bucket) {
    options.io.out('the job has no completion report\n');
    return failed > 0 ? EXIT.someFailed : EXIT.ok;
  }
  const reportBucket = report.Bucket.replace(/^arn:aws[a-z-]*:s3:::/, '');
  const summary = await summarizeReport(options.s3, reportBucket, `${report.Prefix ? `${report.Prefix.replace(/\/+$/, '')}/` : ''}job-${options.jobId}/manifest.json`);
  options.io.out(`report: ${summary.organized} organized, ${summary.undated} undated, ${summary.skipped} skipped, ${summary.failed} failed\n`);
  if (summary.failedObjects.length > 0) {
    await writeFile(options.failedKeysFile, formatKeysFile(summary.failedObjects));
    options.io.out(`failed objects written to ${options.failedKeysFile}; retry them with: photo-organizer invoke --keys-from ${options.failedKeysFile} --function NAME\n`);
  }
  return summary.failed > 0 ? EXIT.someFailed : EXIT.ok;
}

/**
 * Reads a completion report (its manifest.json and CSV result files) and counts what the function
 * did. The function's `resultString` is the copy's `s3://` location for an organized object (under
 * `undated/` when no date was found) and `skipped: <reason>` for one it left alone.
 *
 * @throws {Error} the S3 error when the report cannot be read
 * @example
 * ```ts
 * const { organized, failedObjects } = await summarizeReport(s3, 'reports', 'backfill/job-1234/manifest.json');
 * ```
 */
export async function summarizeReport(s3: S3Client, bucket: string, manifestKey: string): Promise<BackfillReportSummary> {
  const manifest = JSON.parse(await readText(s3, bucket, manifestKey)) as { Results?: { Bucket: string; Key: string }[] };
  let organized = 0;
  let undated = 0;
  let skipped = 0;
  const failedObjects: Pick<ObjectReference, 'bucket' | 'key'>[] = [];
  for (const result of manifest.Results ?? []) {
    // Bucket,Key,VersionId,TaskStatus,ErrorCode,HTTPStatusCode,ResultMessage; keys URL-encoded.
    const rows = parse(await readText(s3, result.Bucket, result.Key), { relax_column_count: true, skip_empty_lines: true }) as string[][];
    for (const [rowBucket = '', encodedKey = '', , status, , , message = ''] of rows) {
      if (message.startsWith('skipped:')) skipped += 1;
      else if (status === 'succeeded' && /(^|\/)undated\//.test(message.replace(/^s3:\/\/[^/]+\//, ''))) undated += 1;
      else if (status === 'succeeded') organized += 1;
      else failedObjects.push({ bucket: rowBucket, key: decodeURIComponent(encodedKey) });
    }
  }
  return { organized, undated, skipped, failed: failedObjects.length, failedObjects };
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString('utf8');
}

/** The objects the manifest generator would list: under the prefix, created on or after the date. */
async function countObjects(s3: S3Client, source: { bucket: string; prefix: string }, createdAfter: Date | undefined): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: source.bucket, Prefix: source.prefix || undefined })) {
    for (const object of page.Contents ?? []) {
      if (createdAfter && (object.LastModified?.getTime() ?? 0) < createdAfter.getTime()) continue;
      objects += 1;
      bytes += object.Size ?? 0;
    }
  }
  return { objects, bytes };
}

/** Rows of an S3 Inventory report: its manifest.json names gzipped CSV files, one object a row. */
async function countInventory(s3: S3Client, inventory: { bucket: string; key: string }): Promise<{ objects: number; bytes?: number }> {
  const manifest = JSON.parse(await readText(s3, inventory.bucket, inventory.key)) as { files?: { key: string }[] };
  let objects = 0;
  for (const file of manifest.files ?? []) {
    const object = await s3.send(new GetObjectCommand({ Bucket: inventory.bucket, Key: file.key }));
    objects += gunzipSync(await object.Body!.transformToByteArray()).toString('utf8').split(/\r?\n/).filter(Boolean).length;
  }
  return { objects };
}

/** The module's `backfill` output (`terraform output -json backfill`), the fields the command uses. */
interface ModuleBackfillOutput {
  readonly function_arn?: string;
  readonly role_arn?: string;
  readonly source_bucket?: string;
  readonly source_prefix?: string;
  readonly report_bucket?: string;
  readonly report_prefix?: string;
  readonly account_id?: string;
  readonly region?: string;
}

/** Reads `terraform output -json backfill` (or `terraform output -json`, taking its `backfill`). */
async function readTerraformOutput(file: string): Promise<ModuleBackfillOutput> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--terraform-output: cannot read ${file} as JSON (${(error as Error).message})`);
  }
  const all = parsed as { backfill?: { value?: unknown } } | null;
  const output = all && typeof all === 'object' && 'backfill' in all ? all.backfill?.value : parsed;
  if (output === null || output === undefined) throw new UsageError(`--terraform-output: ${file} has no backfill output; enable batch_operations in the module`);
  if (typeof output !== 'object') throw new UsageError(`--terraform-output: ${file} is not the module's backfill output`);
  return output as ModuleBackfillOutput;
}

function accountOf(functionNameOrArn: string | undefined): string | undefined {
  return /^arn:aws[a-z-]*:lambda:[^:]*:(\d{12}):function:/.exec(functionNameOrArn ?? '')?.[1];
}

function wholeNumber(value: string | undefined, fallback: number, name: string, minimum: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < minimum) throw new UsageError(`${name} must be a whole number >= ${minimum}; got "${value}"`);
  return number;
}
