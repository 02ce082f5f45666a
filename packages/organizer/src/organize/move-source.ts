import type { S3Client } from '@aws-sdk/client-s3';
import type { TakeoutMetadata } from '../core/companions.js';
import type { CaptureDateDecision } from '../core/date-policy/capture-date.js';
import { type ExtractedMetadata, textTag } from '../core/metadata.js';
import { objectUrl, type ObjectFacts } from '../core/object-reference.js';
import { deleteRefusedReason, sourceKeptReason } from '../core/object-state.js';
import type { Logger } from '../lambda/logger.js';
import { deleteSourceAfterVerifying } from '../s3/delete-source.js';
import { s3FailureFacts } from '../s3/failure-facts.js';
import type { ConditionalPutResult } from '../s3/conditional-put.js';
import { writeMovedPointer } from '../s3/moved-pointer.js';
import type { PlacedCopy } from '../s3/place-copy.js';
import type { Configuration } from '../settings/configuration.js';
import { cameraOf } from './companion-group.js';

/**
 * Move mode's view of the object being organized: what its pointer records and what its delete needs.
 * @example
 * const move: MoveContext = { client, configuration, facts, metadata, takeout: undefined, signal };
 */
export interface MoveContext {
  readonly client: S3Client;
  readonly configuration: Configuration;
  readonly facts: ObjectFacts;
  readonly metadata: ExtractedMetadata;
  /** What the file says when it is a Google Takeout JSON (kept in its pointer for its media). */
  readonly takeout: TakeoutMetadata | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Writes the moved file's pointer (issue 18, `s3/moved-pointer.ts`): where its copy is and how it
 * was dated, so companions and a Takeout JSON arriving after the source is gone find it. Written
 * before the source is deleted and again when a re-file moves the copy.
 *
 * @throws the SDK's error when S3 fails (the event is retried; the source is still there).
 * @example
 * await recordMove(move, plan.decision, placed.key);
 */
export function recordMove(move: MoveContext, decision: CaptureDateDecision, targetKey: string): Promise<ConditionalPutResult> {
  const { facts, metadata, configuration } = move;
  const contentIdentifier = textTag(metadata.tags, 'ContentIdentifier');
  const camera = cameraOf(metadata);
  return writeMovedPointer(
    move.client,
    configuration.destinationBucket,
    configuration.destinationPrefix,
    {
      sourceBucket: facts.object.bucket,
      sourceKey: facts.object.key,
      targetKey,
      decision,
      sourceETag: facts.object.eTag,
      ...(facts.lastModified ? { uploadedAt: facts.lastModified.toISOString() } : {}),
      ...(contentIdentifier ? { contentIdentifier } : {}),
      ...(camera ? { camera } : {}),
      ...(move.takeout ? { takeout: move.takeout } : {}),
    },
    'any-move',
    move.signal,
  );
}

/**
 * Deletes the moved source once its copy at `placed.key` is verified (issue 13:
 * `deleteSourceAfterVerifying`, `If-Match` of the copied ETag, never a version), or says why it
 * was kept: a newer upload under the key (organized by its own event), a legal hold or retention
 * (issue 21; the photo is organized all the same).
 *
 * @returns `moved`: the source is gone (now or by an earlier attempt); `sourceKept`: why not.
 * @throws the SDK's error when S3 fails otherwise (the event is retried; the copy stays).
 * @example
 * const { moved, sourceKept } = await deleteMovedSource(move, placed, logger);
 */
export async function deleteMovedSource(move: MoveContext, placed: PlacedCopy, logger: Logger): Promise<{ moved: boolean; sourceKept: string | undefined }> {
  const { facts, configuration } = move;
  let lockedReason = sourceKeptReason(facts.state, new Date());
  let deletion: Awaited<ReturnType<typeof deleteSourceAfterVerifying>> | undefined;
  if (!lockedReason) {
    try {
      deletion = await deleteSourceAfterVerifying({
        client: move.client,
        source: facts.object,
        destinationBucket: configuration.destinationBucket,
        copyKey: placed.key,
        copyChecksum: placed.checksum,
        checksums: configuration.s3.checksums,
        signal: move.signal,
      });
    } catch (error) {
      lockedReason = deleteRefusedReason(s3FailureFacts(error));
      if (!lockedReason) throw error;
    }
  }
  if (deletion?.status === 'kept-newer') {
    logger.warn('source kept: a newer object is there (its own event organizes it)', { source: objectUrl(facts.object), eTagCopied: facts.object.eTag });
  }
  return {
    moved: deletion?.status === 'deleted' || deletion?.status === 'already-gone',
    sourceKept: lockedReason ?? (deletion?.status === 'kept-newer' ? 'a newer object is there: kept' : undefined),
  };
}
