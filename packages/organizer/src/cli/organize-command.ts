import type { S3Client } from '@aws-sdk/client-s3';
import type { Configuration } from '../settings/configuration.js';
import { objectUrl, type ObjectReference } from '../core/object-reference.js';
import { createLogger, silentLogger } from '../lambda/logger.js';
import { createDependencies } from '../organize/dependencies.js';
import { organizeMany, type Settled } from '../organize/organize-many.js';
import { organizeObject } from '../organize/organize-object.js';
import { listObjects } from '../s3/list-objects.js';
import { groupLines } from '../core/group-summary.js';
import { AwsSetupError, awsSetupProblem, rethrowAwsSetupProblem } from './aws-problems.js';
import { createProgress } from './progress.js';

export interface OrganizeCommandOptions {
  readonly source: { readonly bucket: string; readonly prefix: string };
  readonly configuration: Configuration;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly json: boolean;
  /** Inject a client (tests, custom credentials); built from the configuration otherwise. */
  readonly client?: S3Client;
  readonly write?: (line: string) => void;
}

export interface OrganizeSummary {
  readonly listed: number;
  /** Copied into place (0 in a dry run). */
  readonly copied: number;
  /** An identical copy was already in place, so nothing was copied (a re-run). */
  readonly alreadyOrganized: number;
  /** Dry run only: would be copied. */
  readonly planned: number;
  /** Left in place: not a photo or video, the organizer's own copies, outside the scope. */
  readonly skipped: number;
  readonly failed: number;
  /** Wall-clock time of the run, seconds. */
  readonly seconds: number;
}

/**
 * Organizes the objects already in a bucket from this machine, with the function's own rules.
 * Safe to re-run: objects whose identical copy is in place are recognised and not copied again.
 * The first object is done alone: if the AWS set-up is wrong (credentials, access denied), that
 * is one clear error before the rest start, not the same failure once per object.
 *
 * @throws {AwsSetupError} when listing or the first object fails for a set-up reason.
 */
export async function organizeCommand(options: OrganizeCommandOptions): Promise<OrganizeSummary> {
  const started = performance.now();
  const { configuration, source } = options;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = options.json ? silentLogger : createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) });
  const dependencies = createDependencies(configuration, logger, options.client);
  const endpoint = configuration.s3?.endpoint;
  const references: ObjectReference[] = [];
  try {
    for await (const reference of listObjects(dependencies.client, source.bucket, source.prefix)) references.push(reference);
  } catch (error) {
    rethrowAwsSetupProblem(error, { doing: `listing s3://${source.bucket}/${source.prefix}`, needs: `s3:ListBucket on ${source.bucket}`, endpoint });
  }

  const progress = createProgress(references.length, { quiet: options.json, unit: 'objects' });
  const report = (item: Settled) => {
    if (options.json) write(JSON.stringify(toJson(item)));
    progress.tick(describe(item, options.dryRun), { important: item.error !== undefined });
  };
  const settled: Settled[] = [];
  try {
    const [first, ...rest] = references;
    if (first) {
      let probe: Settled;
      try {
        probe = { reference: first, outcome: await organizeObject(first, dependencies, { dryRun: options.dryRun }) };
      } catch (error) {
        const problem = awsSetupProblem(error, {
          doing: `${options.dryRun ? 'reading' : 'organizing'} s3://${first.bucket}/${first.key}`,
          needs: options.dryRun
            ? `s3:GetObject on ${first.bucket}`
            : `s3:GetObject on ${first.bucket} and s3:PutObject on ${configuration.destinationBucket}${configuration.move ? ` and s3:DeleteObject on ${first.bucket}` : ''}`,
          endpoint,
        });
        if (problem) throw new AwsSetupError(problem, { cause: error });
        probe = { reference: first, error: error instanceof Error ? error : new Error(String(error)) };
        logger.error('failed', { source: `s3://${first.bucket}/${first.key}`, error: probe.error });
      }
      settled.push(probe);
      report(probe);
    }
    settled.push(...(await organizeMany(rest, dependencies, { concurrency: options.concurrency, dryRun: options.dryRun, onSettled: report })));
  } finally {
    progress.done();
    await dependencies.metadataReader.close();
  }
  // Issue 18: the groups filed together, one line each ("IMG_1234.HEIC + .MOV + .AAE -> 2021-06-30/").
  const groups = options.json ? [] : groupLines(settled.flatMap((item) => (item.outcome?.status === 'organized' ? [item.outcome] : [])));
  if (groups.length > 0) write(`Filed together:\n${groups.map((line) => `  ${line}`).join('\n')}`);
  const count = (predicate: (item: Settled) => boolean) => settled.filter(predicate).length;
  return {
    listed: references.length,
    copied: count((item) => item.outcome?.status === 'organized' && item.outcome.copied),
    alreadyOrganized: count((item) => !options.dryRun && item.outcome?.status === 'organized' && !item.outcome.copied),
    planned: count((item) => options.dryRun && item.outcome?.status === 'organized'),
    skipped: count((item) => item.outcome?.status === 'skipped'),
    failed: count((item) => item.error !== undefined),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/**
 * The summary line: what happened, in words a dry run cannot mistake for a real run.
 *
 * @example
 * formatOrganizeSummary({ listed: 22, copied: 21, alreadyOrganized: 0, planned: 0, skipped: 1, failed: 0, seconds: 3.2 }, false);
 * // '22 objects in 3.2 s: 21 copied, 0 already there (identical, not copied again), 1 skipped (left in place), 0 failed'
 */
export function formatOrganizeSummary(summary: OrganizeSummary, dryRun: boolean): string {
  if (dryRun) {
    return (
      `dry run, nothing was written: ${summary.listed} objects in ${summary.seconds} s: ` +
      `${summary.planned} would be copied, ${summary.skipped} would be skipped (left in place), ${summary.failed} failed`
    );
  }
  return (
    `${summary.listed} objects in ${summary.seconds} s: ${summary.copied} copied, ` +
    `${summary.alreadyOrganized} already there (identical, not copied again), ${summary.skipped} skipped (left in place), ${summary.failed} failed`
  );
}

function describe(item: Settled, dryRun: boolean): string {
  if (item.error) return `FAILED ${item.reference.key}: ${item.error.message}`;
  const outcome = item.outcome!;
  if (outcome.status === 'skipped') return `${dryRun ? 'would skip' : 'skipped'} ${item.reference.key} (${outcome.reason})`;
  if (dryRun) return `${item.reference.key} would go to ${outcome.targetKey} (${outcome.dateSource})`;
  if (!outcome.copied) return `${item.reference.key} -> ${outcome.targetKey} (identical copy already there, not copied)`;
  return `${item.reference.key} -> ${outcome.targetKey} (${outcome.dateSource})`;
}

function toJson(item: Settled) {
  if (item.error) return { source: objectUrl(item.reference), status: 'failed', error: item.error.message };
  return item.outcome;
}
