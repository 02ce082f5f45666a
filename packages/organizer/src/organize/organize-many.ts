import type { ObjectReference } from '../core/object-reference.js';
import { CompanionWaitingError } from './companion-group.js';
import { type OrganizeDependencies, type OrganizeOptions, type Outcome, organizeObject } from './organize-object.js';

export interface Settled {
  readonly reference: ObjectReference;
  readonly outcome?: Outcome;
  readonly error?: Error;
}

/**
 * Organizes objects with bounded concurrency. Every object is attempted even when others fail, so
 * a retry of the whole event only has the failed ones left to do (the rest are recognised as done).
 */
export async function organizeMany(
  references: readonly ObjectReference[],
  dependencies: OrganizeDependencies,
  options: OrganizeOptions & { readonly concurrency?: number; readonly onSettled?: (settled: Settled) => void } = {},
): Promise<Settled[]> {
  const results: Settled[] = new Array(references.length);
  let next = 0;
  const worker = async () => {
    while (next < references.length) {
      const index = next++;
      const reference = references[index]!;
      let settled: Settled;
      try {
        settled = { reference, outcome: await organizeObject(reference, dependencies, options) };
      } catch (error) {
        settled = { reference, error: error instanceof Error ? error : new Error(String(error)) };
        // A companion waiting for its primary is logged as waiting (organize-object), not as an error.
        if (!(error instanceof CompanionWaitingError)) dependencies.logger.error('failed', {
          source: `s3://${reference.bucket}/${reference.key}`,
          error: settled.error,
          cause: (settled.error as { cause?: unknown }).cause,
        });
      }
      results[index] = settled;
      options.onSettled?.(settled);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, references.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
