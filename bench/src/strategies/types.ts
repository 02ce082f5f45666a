import type { MetadataReader } from '@photo-organizer/organizer';

/** What every strategy gets: the pinned exiftool and how to reach (and sign for) the local S3. */
export interface StrategyContext {
  readonly exiftool: { readonly perl: string; readonly libDir: string; readonly script: string };
  /** The endpoint the client talks to (the byte counter in front of the latency proxy). */
  readonly endpoint: string;
}

/** A strategy is the metadata read step; HEAD, the date policy and the copy are the organizer's. */
export type StrategyFactory = (context: StrategyContext) => MetadataReader;

export const STRATEGY_NAMES = ['stdin-8mib', 'full-download', 'stream-adaptive', 'random-access', 'exifr'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
