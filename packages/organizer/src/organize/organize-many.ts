import pMap from 'p-map';
import { objectUrl, type ObjectReference } from '../core/object-reference.js';
import { CompanionWaitingError } from './companion-group.js';
import { type OrganizeDependencies, type OrganizeOptions, type Outcome, organizeObject } from './organize-object.js';

/**
 * One object's result: an outcome, or the error a retry may fix.
 * @example
 * for (const item of settled) if (item.error) console.error(item.reference.key, item.error.message);
 */
export interface Settled {
  readonly reference: ObjectReference;
  readonly outcome?: Outcome;
  readonly error?: Error;
}

/**
 * Organizes objects with bounded concurrency (p-map; `concurrency` objects at once, default 4),
 * results in input order. Every object is attempted even when others fail, so
 * a retry of the whole event only has the failed ones left to do (the rest are recognised as done).
 * @example
 * const settled = await organizeMany(references, dependencies, { concurrency: 8, onSettled: (item) => console.log(item.reference.key) });
 * settled.filter((item) => item.error).length; // objects to retry
 */
export async function organizeMany(
  references: readonly ObjectReference[],
  dependencies: OrganizeDependencies,
  options: OrganizeOptions & { readonly concurrency?: number; readonly onSettled?: (settled: Settled) => void } = {},
): Promise<Settled[]> {
  // organizeObject's failures are caught per object, so the pool never stops early.
  return pMap(
    references,
    async (reference) => {
      let settled: Settled;
      try {
        settled = { reference, outcome: await organizeObject(reference, dependencies, options) };
      } catch (error) {
        settled = { reference, error: error instanceof Error ? error : new Error(String(error)) };
        // A companion waiting for its primary is logged as waiting (organize-object), not as an error.
        if (!(error instanceof CompanionWaitingError)) dependencies.logger.error('failed', {
          source: objectUrl(reference),
          error: settled.error,
          cause: (settled.error as { cause?: unknown }).cause,
        });
      }
      options.onSettled?.(settled);
      return settled;
    },
    { concurrency: Math.max(1, options.concurrency ?? 4) },
  );
}
