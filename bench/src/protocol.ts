/** One object as the strategy process gets it. */
export interface ObjectJob {
  /** Source key, `incoming/<dir>/<name>`. */
  readonly key: string;
  readonly dir: string;
  /** What the S3 event carries: the object's size and ETag (the organizer reads with them, no HEAD). */
  readonly size: number;
  readonly eTag: string;
}

export type ToParent =
  | { readonly type: 'start'; readonly index: number }
  | {
      readonly type: 'done';
      readonly index: number;
      /** Event in -> object organized (HEAD, read, decide, copy). */
      readonly ms: number;
      /** Of which the metadata read step (the strategy's own part). */
      readonly readMs: number;
      /** performance.now() in the child: ms since its process started. */
      readonly sinceProcessStartMs: number;
      /** The key below the strategy's destination prefix, '-' when skipped, 'ERROR' on a throw. */
      readonly targetKey: string;
      readonly dateSource: string;
      /** Response body bytes the read strategy received. */
      readonly bytesFetched: number;
      readonly metadataError: string | undefined;
    }
  | { readonly type: 'finished'; readonly nodeMaxRssBytes: number };

export type FromParent = { readonly type: 'ack' };
