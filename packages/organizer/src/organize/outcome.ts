import type { CaptureDateDecision } from '../core/date-policy/capture-date.js';
import type { SkipReason } from '../core/skip-reasons.js';

/**
 * What happened to one object; logged as one JSON line and returned.
 * @example
 * if (outcome.status === 'organized') console.log(outcome.target, outcome.dateSource, outcome.bytesFetched);
 * else console.log('skipped', outcome.reason);
 */
export type Outcome =
  | {
      readonly status: 'organized';
      /** `s3://bucket/key` of the source. */
      readonly source: string;
      /** `s3://bucket/key` of the copy. */
      readonly target: string;
      readonly targetKey: string;
      /** false when an identical copy was already there (repeated event, re-run). */
      readonly copied: boolean;
      /** `YYYY-MM-DDTHH:MM:SS[±HH:MM]`, null when undated. */
      readonly captureDate: string | null;
      readonly dateSource: CaptureDateDecision['dateSource'];
      /** Bytes of the source. */
      readonly size: number;
      /** Bytes fetched to read the metadata. */
      readonly bytesFetched: number;
      /** Ranged GETs made to read the metadata (retries included). */
      readonly requests: number;
      /** Wall-clock milliseconds for the whole object. */
      readonly ms: number;
      /** Move mode: the source is gone (deleted now, or by an earlier attempt). */
      readonly moved: boolean;
      /** Move mode: why the source was not deleted although the copy is verified ('a newer object is there: kept', 'under legal hold or Object Lock retention'). */
      readonly sourceKept?: string;
      /** Why the metadata could not be read (`ExiftoolTimeoutError: ...`); the object was filed by name or as undated. */
      readonly metadataError?: string;
      /** Issue 18: `s3://bucket/key` of the group's primary this file was filed with (a companion, a Live Photo video, a RAW). */
      readonly companionOf?: string;
    }
  | { readonly status: 'skipped'; readonly source: string; readonly reason: SkipReason; readonly detail?: string };
