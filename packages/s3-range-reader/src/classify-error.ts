import {
  AccessDeniedError,
  ObjectChangedError,
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

/**
 * The HTTP status of an SDK error (`$metadata.httpStatusCode`, or the raw response's status), if a
 * response arrived.
 *
 * @example
 * statusOf(error); // 404, 412, 503, or undefined for a connection reset
 */
export const statusOf = (error: unknown): number | undefined => {
  const raw = error as RawError | undefined;
  return raw?.$metadata?.httpStatusCode ?? raw?.$response?.statusCode;
};

/**
 * What an S3 failure means for whoever sent the request, whatever the command (GET, HEAD,
 * CopyObject, DeleteObject...):
 * - `not-found`: 404, `NoSuchKey`, `NoSuchVersion`, `NoSuchBucket`, `NotFound` (HEAD has no body);
 * - `precondition-failed`: 412 (`If-Match`, `If-None-Match`, `x-amz-copy-source-if-match` refused);
 * - `conflict`: 409 (a concurrent conditional write won; S3 asks to retry the request);
 * - `access-denied`: 403 / `AccessDenied`;
 * - `invalid-range`: 416 / `InvalidRange`;
 * - `transient`: 5xx, 429, throttling, timeouts, connection resets: worth retrying;
 * - `other`: anything else (a 400, a programmer error): retrying will not help.
 *
 * Status codes and names follow https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 * and https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html.
 *
 * @example
 * if (s3ErrorKind(error) === 'not-found') return undefined; // HEAD of a key that is not there
 */
export type S3ErrorKind = 'not-found' | 'precondition-failed' | 'conflict' | 'access-denied' | 'invalid-range' | 'transient' | 'other';

/** Classifies any error an S3 request threw; see {@link S3ErrorKind}. Never throws. */
export function s3ErrorKind(error: unknown): S3ErrorKind {
  if (error instanceof TransientFault) return 'transient';
  if (error instanceof S3RangeReaderError) return readerErrorKind(error);
  const raw = (error ?? {}) as RawError;
  const status = statusOf(error);
  const name = raw.name ?? '';
  if (status === 412 || name === 'PreconditionFailed') return 'precondition-failed';
  if (status === 404 || name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NoSuchBucket' || name === 'NotFound') return 'not-found';
  if (status === 403 || name === 'AccessDenied') return 'access-denied';
  if (status === 416 || name === 'InvalidRange') return 'invalid-range';
  if (status === 409 || name === 'ConditionalRequestConflict') return 'conflict';
  if (error instanceof TypeError && !raw.code) return 'other';
  const transient =
    (status !== undefined && (status >= 500 || status === 429)) ||
    THROTTLING.has(name) ||
    TRANSIENT_NAMES.has(name) ||
    (raw.code !== undefined && TRANSIENT_CODES.has(raw.code)) ||
    // IncomingMessage reports a connection closed mid-body as a bare "aborted".
    raw.message === 'aborted';
  return transient ? 'transient' : 'other';
}

function readerErrorKind(error: S3RangeReaderError): S3ErrorKind {
  if (error instanceof ObjectNotFoundError) return 'not-found';
  if (error instanceof ObjectChangedError) return 'precondition-failed';
  if (error instanceof AccessDeniedError) return 'access-denied';
  if (error instanceof RangeNotSatisfiableError) return 'invalid-range';
  if (error instanceof RequestFailedError && error.retryable) return 'transient';
  return 'other';
}

/**
 * S3's error code of a failed request (`InvalidObjectState`, `AccessDenied`, `KMS.NotFoundException`,
 * `SlowDown`...), or undefined when the response had no body (every HEAD error) or none arrived.
 * The SDK puts the code in `name` (`Code` in the body); its stand-ins for a missing body
 * (`Unknown`, `UnknownError`, `NotFound`, `Forbidden`, `BadRequest`) are not S3 codes.
 *
 * @example
 * s3ErrorCode(error); // 'InvalidObjectState'
 */
export function s3ErrorCode(error: unknown): string | undefined {
  const raw = (error ?? {}) as RawError & { readonly Code?: string };
  if (error instanceof AccessDeniedError || error instanceof RequestFailedError) return error.code;
  const code = raw.Code ?? raw.name;
  if (!code || NOT_S3_CODES.has(code)) return undefined;
  return code;
}

const NOT_S3_CODES = new Set(['Error', 'Unknown', 'UnknownError', 'NotFound', 'Forbidden', 'BadRequest', 'TypeError', 'AbortError', 'TimeoutError', 'TransientFault']);

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
  const withStatus = { ...facts, statusCode: status };
  const kind = s3ErrorKind(error);
  switch (kind) {
    case 'precondition-failed':
      return new ObjectSupersededError({ ...withStatus, expected: pinned, actual: undefined }, { cause: error });
    case 'not-found':
      return new ObjectNotFoundError(withStatus, { cause: error });
    case 'access-denied':
      // Keep S3's code and message: InvalidObjectState (archived) and KMS denials are 403s too.
      return new AccessDeniedError({ ...withStatus, code: s3ErrorCode(error), s3Message: raw.message || undefined }, { cause: error });
    case 'invalid-range':
      return new RangeNotSatisfiableError(withStatus, { cause: error });
    default: {
      const name = raw.name ?? '';
      const code = raw.code ?? (name && name !== 'Error' ? name : undefined);
      const reason = raw.message ? `: ${raw.message}` : '';
      return new RequestFailedError(`Request failed${status ? ` with HTTP ${status}` : ''}${reason}`, { ...withStatus, retryable: kind === 'transient', code }, { cause: error });
    }
  }
}
