import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectReference, PinnedObject } from '../core/object-reference.js';
import { type ObjectStateVerdict, restoreTierProblem } from '../core/object-state.js';
import { requestRestore } from '../s3/restore-object.js';
import type { Configuration } from '../settings/configuration.js';

/**
 * The words for an archived object, after asking for its restore when `RESTORE_TIER` says so
 * (issue 21): the `s3:ObjectRestore:Completed` event then organizes it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
 *
 * @returns the skip detail: restore requested, in progress, or why it was not requested.
 * @throws the SDK's error when the RestoreObject request fails.
 * @example
 * const detail = await restoreIfAsked(verdict, facts.object, { client, configuration }, { signal });
 */
export async function restoreIfAsked(
  verdict: ObjectStateVerdict,
  source: PinnedObject | ObjectReference,
  dependencies: { readonly client: S3Client; readonly configuration: Pick<Configuration, 'restoreTier' | 'restoreDays'> },
  options: { readonly dryRun?: boolean | undefined; readonly signal?: AbortSignal | undefined },
): Promise<string> {
  const tier = dependencies.configuration.restoreTier;
  const archive = verdict.archive;
  if (!archive || archive.restoreInProgress || tier === 'off' || options.dryRun) return verdict.detail;
  const where = archive.accessTier ? `${archive.storageClass} ${archive.accessTier}` : archive.storageClass;
  const problem = restoreTierProblem(archive, tier);
  if (problem) return `archived (${where}): restore not requested: ${problem}; restore it first, then re-run backfill`;
  const result = await requestRestore(
    dependencies.client,
    source,
    { tier, days: dependencies.configuration.restoreDays, intelligentTiering: archive.storageClass === 'INTELLIGENT_TIERING' },
    options.signal,
  );
  return result === 'requested'
    ? `archived (${where}): restore requested (${tier} tier); it is organized when the restore completes`
    : `archived (${where}): a restore is in progress; it is organized when the restore completes`;
}
