import {
  AccessDeniedError,
  ObjectNotFoundError,
  ObjectSupersededError,
  RangeNotSatisfiableError,
  RequestFailedError,
  S3RangeReaderError,
  type RequestFacts,
} from './errors.js';

/** The fields of an SDK or Node error that decide what to do with it. */
interface RawError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly statusCode?: number };
}

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const TRANSIENT_NAMES = new Set(['InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError']);
// Node socket and stream errors of a connection that died; the SDK and IncomingMessage use these codes.
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

export const statusOf = (error: unknown): number | undefined => {
  const raw = error as RawError | undefined;
  return raw?.$metadata?.httpStatusCode ?? raw?.$response?.statusCode;
};

/** Marker for faults the reader detects itself (timeout, short body): always transient. */
export class TransientFault extends Error {
  override name = 'TransientFault';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Turns whatever an attempt threw into this package's typed error. TypeErrors (programmer errors)
 * pass through untouched so they are never retried.
 */
export function classifyError(error: unknown, facts: RequestFacts, pinned: string | undefined): Error {
  if (error instanceof S3RangeReaderError) return error;
  if (error instanceof TypeError && !(error as RawError).code) return error;
  const raw = (error ?? {}) as RawError;
  const status = statusOf(error);
  const name = raw.name ?? '';
  const withStatus = { ...facts, statusCode: status };
  if (status === 412 || name === 'PreconditionFailed') {
    return new ObjectSupersededError({ ...withStatus, expected: pinned, actual: undefined }, { cause: error });
  }
  if (status === 404 || name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NoSuchBucket' || name === 'NotFound') {
    return new ObjectNotFoundError(withStatus, { cause: error });
  }
  if (status === 403 || name === 'AccessDenied') return new AccessDeniedError(withStatus, { cause: error });
  if (status === 416 || name === 'InvalidRange') return new RangeNotSatisfiableError(withStatus, { cause: error });
  const code = raw.code ?? (name && name !== 'Error' ? name : undefined);
  const retryable =
    error instanceof TransientFault ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    THROTTLING.has(name) ||
    TRANSIENT_NAMES.has(name) ||
    (raw.code !== undefined && TRANSIENT_CODES.has(raw.code)) ||
    // IncomingMessage reports a connection closed mid-body as a bare "aborted".
    raw.message === 'aborted';
  const reason = raw.message ? `: ${raw.message}` : '';
  return new RequestFailedError(`Request failed${status ? ` with HTTP ${status}` : ''}${reason}`, { ...withStatus, retryable, code }, { cause: error });
}
