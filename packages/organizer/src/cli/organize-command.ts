import type { S3Client } from '@aws-sdk/client-s3';
import type { Configuration } from '../settings/configuration.js';
import { objectUrl, type ObjectReference } from '../core/object-reference.js';
import { createLogger, silentLogger } from '../lambda/logger.js';
import { createDependencies } from '../organize/dependencies.js';
import { organizeMany, type Settled } from '../organize/organize-many.js';
import { listObjects } from '../s3/list-objects.js';
import { groupLines } from '../core/group-summary.js';
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
  readonly copied: number;
  readonly alreadyOrganized: number;
  readonly planned: number;
  readonly skipped: number;
  readonly failed: number;
}

/**
 * Organizes the objects already in a bucket from this machine, with the function's own rules.
 * Safe to re-run: objects whose identical copy is in place are recognised and not copied again.
 */
export async function organizeCommand(options: OrganizeCommandOptions): Promise<OrganizeSummary> {
  const { configuration } = options;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = options.json ? silentLogger : createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) });
  const dependencies = createDependencies(configuration, logger, options.client);
  const references: ObjectReference[] = [];
  for await (const reference of listObjects(dependencies.client, options.source.bucket, options.source.prefix)) references.push(reference);

  const progress = createProgress(references.length, { quiet: options.json });
  let settled: Settled[];
  try {
    settled = await organizeMany(references, dependencies, {
      concurrency: options.concurrency,
      dryRun: options.dryRun,
      onSettled: (item) => {
        if (options.json) write(JSON.stringify(toJson(item)));
        progress.tick(describe(item));
      },
    });
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
    planned: count((item) => !!options.dryRun && item.outcome?.status === 'organized'),
    skipped: count((item) => item.outcome?.status === 'skipped'),
    failed: count((item) => item.error !== undefined),
  };
}

function describe(item: Settled): string {
  if (item.error) return `FAILED ${item.reference.key}: ${item.error.message}`;
  const outcome = item.outcome!;
  if (outcome.status === 'skipped') return `skipped ${item.reference.key} (${outcome.reason})`;
  return `${item.reference.key} -> ${outcome.targetKey} (${outcome.dateSource}${outcome.copied ? '' : ', already there'})`;
}

function toJson(item: Settled) {
  if (item.error) return { source: objectUrl(item.reference), status: 'failed', error: item.error.message };
  return item.outcome;
}
