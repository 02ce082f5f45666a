import type { CaptureDateDecision, RejectedCandidate } from './date-policy/capture-date.js';
import { formatWallClock } from './date-policy/date-value.js';
import type { ExtractedMetadata } from './metadata.js';
import type { PinnedObject } from './object-reference.js';

/** `<key>.json` beside a copy (`SIDECAR=true`): the decision and every tag read. Schema `photo-organizer/sidecar@1`. */
export interface SidecarDocument {
  readonly schema: 'photo-organizer/sidecar@1';
  readonly source: { readonly bucket: string; readonly key: string; readonly versionId: string | undefined; readonly eTag: string; readonly size: number };
  /** `YYYY-MM-DDTHH:MM:SS[.sss][±HH:MM]`, the photographer's wall clock; null when undated. */
  readonly captureDate: string | null;
  readonly dateSource: CaptureDateDecision['dateSource'];
  readonly dateTag: string | null;
  readonly rejectedDates: readonly RejectedCandidate[];
  readonly make: string | null;
  readonly model: string | null;
  readonly fileType: string | null;
  readonly tags: ExtractedMetadata['tags'];
  /** Issue 18: the source key of the group's primary this file was filed with (a companion, a Live Photo video, a RAW). */
  readonly companionOf?: string;
}

/**
 * The sidecar's content for one decision.
 *
 * @example
 * JSON.stringify(sidecarDocument({ source, decision, metadata, make: 'Apple', model: 'iPhone 8' }), null, 2);
 */
export function sidecarDocument(input: {
  readonly source: PinnedObject;
  readonly decision: CaptureDateDecision;
  readonly metadata: ExtractedMetadata;
  readonly make: string | undefined;
  readonly model: string | undefined;
}): SidecarDocument {
  const { decision, source } = input;
  return {
    schema: 'photo-organizer/sidecar@1',
    source: { bucket: source.bucket, key: source.key, versionId: source.versionId, eTag: source.eTag, size: source.size },
    captureDate: decision.dated ? formatWallClock(decision.captureDate) : null,
    dateSource: decision.dateSource,
    dateTag: decision.dated ? decision.tag : null,
    rejectedDates: decision.rejected,
    make: input.make ?? null,
    model: input.model ?? null,
    fileType: input.metadata.fileType ?? null,
    tags: input.metadata.tags,
  };
}
