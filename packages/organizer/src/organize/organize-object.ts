import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RangeReader } from '@photo-organizer/s3-range-reader';
import { formatWallClock } from '../core/date-policy/date-value.js';
import { readFailureAction } from '../core/failure-policy.js';
import { carriedAttributes, needsSourceTags } from '../core/carried-attributes.js';
import { decideAfterFailure, decideBeforeRead, type FailedOperation } from '../core/object-state.js';
import { companionKindOf } from '../core/companions.js';
import { type ExtractedMetadata, NO_METADATA } from '../core/metadata.js';
import { fileNameOf, objectUrl, type ObjectFacts, type ObjectReference, type PinnedObject } from '../core/object-reference.js';
import { planObject, skipBeforeRead } from '../core/plan.js';
import { scopeSkipReason, type SkipReason } from '../core/skip-reasons.js';
import type { Logger } from '../lambda/logger.js';
import { headSource } from '../s3/head-object.js';
import { openSource } from '../s3/open-source.js';
import { type MetadataReader, readFailureKind } from '../s3/metadata-reader.js';
import { s3FailureFacts } from '../s3/failure-facts.js';
import { placeCopy, type PlacedCopy } from '../s3/place-copy.js';
import { readSourceTags } from '../s3/source-tags.js';
import { writeSidecar } from '../s3/sidecar.js';
import type { Configuration } from '../settings/configuration.js';
import { CompanionWaitingError, resolveGroup } from './companion-group.js';
import { deleteMovedSource, recordMove } from './move-source.js';
import type { Outcome } from './outcome.js';
import { restoreIfAsked } from './restore-if-asked.js';
import { reconcileTakeout } from './takeout-reconcile.js';

export type { Outcome };

/** Issue 18: how often a waiting companion looks for its primary again, in ms. */
const COMPANION_POLL_MS = 2000;
/** Issue 18: what is known of a `.json` without exiftool: a JSON that is not Takeout's is skipped as before ("JSON (application/json) is not a photo or video"). */
const JSON_METADATA: ExtractedMetadata = Object.freeze({ tags: Object.freeze({ 'File:MIMEType': 'application/json' }), warnings: Object.freeze([]), fileType: 'JSON' });

/**
 * What organizing needs; built once per container (`createDependencies`).
 * @example
 * const dependencies: OrganizeDependencies = createDependencies(configuration, createLogger());
 */
export interface OrganizeDependencies {
  readonly client: S3Client;
  readonly configuration: Configuration;
  readonly metadataReader: MetadataReader;
  readonly logger: Logger;
}

/**
 * Per call: a dry run, an abort signal.
 * @example
 * await organizeObject(reference, dependencies, { dryRun: true, signal: AbortSignal.timeout(60_000) });
 */
export interface OrganizeOptions {
  /** Decide and report, write nothing. */
  readonly dryRun?: boolean;
  /** Aborts the work (the invocation's deadline). */
  readonly signal?: AbortSignal;
  /** `Date.now()` value by which work must stop; a big multipart copy stops cleanly before it and resumes on the retry. */
  readonly deadline?: number;
}

/**
 * Files one object under its capture date: S3 facts (from the first ranged GET, no HEAD), metadata (exiftool over Range
 * requests), the core's plan, then the plan carried out by the S3 adapters (copy without ever
 * overwriting, sidecar, move).
 *
 * @returns `organized` or `skipped` (permanent reasons, logged).
 * @throws what a retry may fix (S3 faults, an abort): Lambda retries the event.
 * @example
 * const outcome = await organizeObject({ bucket: 'in', key: 'IMG_1.JPG' }, createDependencies(configuration, logger));
 */
export async function organizeObject(reference: ObjectReference, dependencies: OrganizeDependencies, options: OrganizeOptions = {}): Promise<Outcome> {
  const started = performance.now();
  const { client, configuration, logger } = dependencies;
  const source = objectUrl(reference);
  const skip = (reason: SkipReason, detail?: string): Outcome => {
    const outcome: Outcome = { status: 'skipped', source, reason, ...(detail ? { detail } : {}) };
    logger.info('skipped', { ...outcome });
    return outcome;
  };

  const outOfScope = scopeSkipReason(reference, configuration);
  if (outOfScope) return skip(outOfScope);
  // Issue 21: an S3 answer that names a permanent state (archived, SSE-C, KMS) ends here, once.
  const permanent = async (error: unknown, operation: FailedOperation, source: PinnedObject | ObjectReference): Promise<Outcome | undefined> => {
    if (options.signal?.aborted) return undefined;
    const verdict = decideAfterFailure(s3FailureFacts(error), operation);
    if (!verdict) return undefined;
    return skip(verdict.reason, verdict.archive ? await restoreIfAsked(verdict, source, dependencies, options) : verdict.detail);
  };
  // Readers that go through the range reader get the object opened here: no HEAD, the facts come
  // from the first ranged GET (prefetched by format). Others (the benchmark's old designs) HEAD first.
  let facts: ObjectFacts | undefined;
  let rangeReader: RangeReader | undefined;
  try {
    if (dependencies.metadataReader.usesRangeReader) {
      const opened = await openSource(client, reference, options.signal);
      if (opened.status === 'gone') return skip('object-gone', 'deleted before it could be organized');
      if (opened.status === 'superseded') return skip('superseded', opened.detail);
      facts = opened.facts;
      rangeReader = opened.reader;
    } else {
      facts = await headSource(client, reference, options.signal, { checksums: configuration.s3.checksums });
      if (!facts) return skip('object-gone', 'deleted before it could be organized');
    }
  } catch (error) {
    const outcome = await permanent(error, dependencies.metadataReader.usesRangeReader ? 'read' : 'head', reference);
    if (outcome) return outcome;
    throw error;
  }
  const early = skipBeforeRead(facts);
  if (early?.action === 'skip') return skip(early.reason, early.detail);
  const blocked = decideBeforeRead(facts.state, facts.object.size);
  if (blocked) return skip(blocked.reason, await restoreIfAsked(blocked, facts.object, dependencies, options));

  // Nothing to read in an empty object; exiftool failures leave the file undated, not lost.
  let metadata: ExtractedMetadata = NO_METADATA;
  let stats = { bytesFetched: 0, requests: 0 };
  let metadataError: string | undefined;
  // Issue 18: a `.json` is read as Google Takeout's or not at all (companion-group.ts GETs at most
  // 1 MiB of it): exiftool would parse a JSON of any size whole, and its failure would file the
  // file as undated instead of leaving it alone.
  const isJson = companionKindOf(fileNameOf(facts.object.key)) === 'takeout-json';
  if (isJson) metadata = JSON_METADATA;
  if (facts.object.size > 0 && !isJson) {
    try {
      const read = await dependencies.metadataReader.read({ client, ...facts.object, ...(rangeReader ? { rangeReader } : {}) }, options.signal);
      metadata = read.result;
      stats = read.stats;
    } catch (error) {
      const outcome = await permanent(error, 'read', facts.object);
      if (outcome) return outcome;
      const failure = readFailureAction(readFailureKind(error), { aborted: options.signal?.aborted === true });
      if (failure.action === 'skip') return skip(failure.reason, failure.detail);
      if (failure.action === 'retry') throw error;
      metadataError = `${(error as Error).name}: ${(error as Error).message}`;
      logger.warn('metadata unreadable, filing by name or as undated', { source, error: metadataError });
    }
  }

  // Issue 18: companions (.xmp, .aae, Takeout .json), Live Photo videos and RAW+JPEG pairs are
  // filed under their primary's date; a Takeout JSON dates media without a date of their own.
  // A companion whose primary is not there yet waits inside the invocation, looking again every
  // COMPANION_POLL_MS (pairs are uploaded seconds apart: no function error, no alarm); only a wait
  // longer than the invocation has left fails it, for Lambda to retry. The CLI does not wait.
  // A photo never waits for its Takeout JSON (takeout-reconcile.ts re-files it when it comes).
  const groupContext = { client, metadataReader: dependencies.metadataReader, settings: configuration, facts, metadata, signal: options.signal };
  let group = await resolveGroup(groupContext);
  if (group.kind === 'wait') logger.info('waiting', { source, detail: group.detail, graceSeconds: configuration.companionGraceSeconds });
  while (group.kind === 'wait' && options.deadline !== undefined && options.deadline - Date.now() > COMPANION_POLL_MS + 1000) {
    await sleep(COMPANION_POLL_MS, undefined, options.signal ? { signal: options.signal } : {});
    group = await resolveGroup(groupContext);
  }
  if (group.kind === 'wait') throw new CompanionWaitingError(source, group.detail);
  const placement = group.kind === 'placed' ? group.placement : undefined;
  const plan = planObject(facts, { metadata, error: metadataError }, configuration, placement);
  if (plan.action === 'skip') return skip(plan.reason, plan.detail);
  const checksums = configuration.s3.checksums;
  let placed: PlacedCopy;
  try {
    placed = options.dryRun
      ? { key: plan.targetKey, copied: false, checksum: undefined }
      : await placeCopy({
          client,
          source: facts.object,
          destinationBucket: configuration.destinationBucket,
          targetKey: plan.targetKey,
          contentHeaders: facts.contentHeaders,
          userMetadata: plan.userMetadata,
          // Issue 21: the same storage class and tags on the single and the multipart path.
          carried: carriedAttributes({
            contentHeaders: facts.contentHeaders,
            sourceStorageClass: facts.state?.storageClass,
            storageClassSetting: configuration.storageClass,
            sourceTags: needsSourceTags({ size: facts.object.size, multipartThresholdBytes: configuration.multipartThresholdBytes, tagCount: facts.state?.tagCount })
              ? await readSourceTags(client, facts.object, options.signal)
              : undefined,
          }),
          multipartThresholdBytes: configuration.multipartThresholdBytes,
          partSizeBytes: configuration.multipartPartSizeBytes,
          checksums,
          signal: options.signal,
          deadline: options.deadline,
        });
  } catch (error) {
    const outcome = await permanent(error, 'copy', facts.object);
    if (outcome) return outcome;
    throw error;
  }
  if (!options.dryRun && plan.sidecar) {
    const sidecar = await writeSidecar({ client, bucket: configuration.destinationBucket, copyKey: placed.key, document: plan.sidecar, signal: options.signal });
    if (sidecar === 'left-to-concurrent-writer') logger.info('sidecar written meanwhile by another invocation: left as it is', { source, sidecar: `${placed.key}.json` });
    if (sidecar === 'kept-other-file') logger.warn('sidecar not written: another file has its name (a Google Takeout JSON?)', { source, sidecar: `${placed.key}.json` });
  }
  // Issue 18: move mode records where a file went before its source is deleted
  // (s3/moved-pointer.ts), and before it looks for a Takeout JSON again: a JSON arriving later
  // then finds the media by its pointer. Media and Takeout JSON converge on the JSON's date
  // whichever comes first, in both modes and without waiting (takeout-reconcile.ts).
  const move = { client, configuration, facts, metadata, takeout: group.kind === 'placed' ? group.takeout : undefined, signal: options.signal };
  let finalPlan = plan;
  if (!options.dryRun && plan.deleteSource) await recordMove(move, plan.decision, placed.key);
  if (!options.dryRun) {
    const firstKey = placed.key;
    ({ plan: finalPlan, placed } = await reconcileTakeout({ client, configuration, group, facts, metadata, plan, placed, signal: options.signal, deadline: options.deadline, logger }));
    // Filed again under its Takeout JSON's date (the first copy is removed): the pointer follows.
    if (plan.deleteSource && placed.key !== firstKey) await recordMove(move, finalPlan.decision, placed.key);
  }
  const { decision } = finalPlan;
  const { moved, sourceKept } = !options.dryRun && plan.deleteSource ? await deleteMovedSource(move, placed, logger) : { moved: false, sourceKept: undefined };

  const outcome: Outcome = {
    status: 'organized',
    source,
    target: objectUrl({ bucket: configuration.destinationBucket, key: placed.key }),
    targetKey: placed.key,
    copied: placed.copied,
    captureDate: decision.dated ? formatWallClock(decision.captureDate) : null,
    dateSource: decision.dateSource,
    size: facts.object.size,
    bytesFetched: stats.bytesFetched,
    requests: stats.requests,
    ms: Math.round(performance.now() - started),
    moved,
    ...(sourceKept ? { sourceKept } : {}),
    ...(metadataError ? { metadataError } : {}),
    ...(placement?.primaryKey ? { companionOf: objectUrl({ bucket: facts.object.bucket, key: placement.primaryKey }) } : {}),
  };
  logger.info(options.dryRun ? 'planned' : 'organized', {
    ...outcome,
    ...(decision.dated ? { dateTag: decision.tag } : {}),
    ...(decision.rejected.length > 0 ? { rejectedDates: decision.rejected } : {}),
    ...(metadata.warnings.length > 0 ? { exiftoolWarnings: metadata.warnings.slice(0, 5) } : {}),
  });
  return outcome;
}
