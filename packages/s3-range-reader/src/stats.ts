/** What a reader has cost so far. */
export interface ReaderStats {
  /** Body bytes received from S3, including bytes of attempts that later failed. */
  readonly bytesFetched: number;
  /** HTTP requests sent (GET and HEAD), retries included. */
  readonly requests: number;
  /** Requests that were retries of a failed attempt. */
  readonly retries: number;
  /** Milliseconds spent in requests, summed over requests (concurrent requests overlap). */
  readonly requestMs: number;
}

export interface MutableStats {
  bytesFetched: number;
  requests: number;
  retries: number;
  requestMs: number;
}

export const emptyStats = (): MutableStats => ({ bytesFetched: 0, requests: 0, retries: 0, requestMs: 0 });
