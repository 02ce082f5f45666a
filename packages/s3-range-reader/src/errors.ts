/** Where a failed request was aimed: the facts a caller needs to log or report it. */
export interface RequestFacts {
  readonly bucket: string;
  readonly key: string;
  /** The `Range` header of the failed request (`bytes=0-65535`), or `undefined` for a HEAD. */
  readonly range: string | undefined;
  /** 1-based attempt number of the request that failed. */
  readonly attempt: number;
  /** HTTP status of the failed response, when one arrived. */
  readonly statusCode?: number | undefined;
}

/** Base class of every error this package throws (besides `TypeError` for programmer errors and the abort reason). */
export class S3RangeReaderError extends Error {
  override name = 'S3RangeReaderError';
  readonly bucket: string;
  readonly key: string;
  readonly range: string | undefined;
  readonly attempt: number;
  readonly statusCode: number | undefined;

  constructor(message: string, facts: RequestFacts, options?: ErrorOptions) {
    super(`${message} (s3://${facts.bucket}/${facts.key}${facts.range ? ` ${facts.range}` : ''}, attempt ${facts.attempt})`, options);
    this.bucket = facts.bucket;
    this.key = facts.key;
    this.range = facts.range;
    this.attempt = facts.attempt;
    this.statusCode = facts.statusCode;
  }
}

/**
 * The object is no longer the version the reader pinned: S3 answered 412 to `If-Match`, or a response
 * carried another ETag, VersionId or total size. Bytes of the new version are never returned.
 */
export class ObjectChangedError extends S3RangeReaderError {
  override name = 'ObjectChangedError';
  /** The ETag (or VersionId / size) pinned by the first response. */
  readonly expected: string | undefined;
  /** What the later response said, when it said anything (a 412 does not). */
  readonly actual: string | undefined;

  constructor(facts: RequestFacts & { readonly expected: string | undefined; readonly actual: string | undefined }, options?: ErrorOptions) {
    super(
      `Object changed while being read: pinned ${facts.expected ?? 'unknown'}, now ${facts.actual ?? 'a different version (412 Precondition Failed)'}`,
      facts,
      options,
    );
    this.expected = facts.expected;
    this.actual = facts.actual;
  }
}

/**
 * 412 Precondition Failed to the reader's `If-Match`: the key now holds another version than the
 * pinned ETag (a newer upload superseded it, or it was overwritten between two reads). For an
 * event-driven reader this is "superseded by a newer upload": that upload has its own event.
 * A subclass of {@link ObjectChangedError}, so code that catches that one still does.
 */
export class ObjectSupersededError extends ObjectChangedError {
  override name = 'ObjectSupersededError';
}

/** 404: no such bucket, key or version. Not retried. */
export class ObjectNotFoundError extends S3RangeReaderError {
  override name = 'ObjectNotFoundError';
  constructor(facts: RequestFacts, options?: ErrorOptions) {
    super('Object not found', facts, options);
  }
}

/**
 * 403: S3 refused to serve the object. Not retried. `code` keeps S3's error code, because a 403 is
 * several different things: `AccessDenied` (a missing permission, or a KMS key not granted: the
 * message names the KMS action), `InvalidObjectState` (archived: restore it first), `KMS.*`.
 */
export class AccessDeniedError extends S3RangeReaderError {
  override name = 'AccessDeniedError';
  /** S3's error code (`AccessDenied`, `InvalidObjectState`, `KMS.DisabledException`, ...), when the response had a body. */
  readonly code: string | undefined;
  /** S3's own message, when the response had a body. */
  readonly s3Message: string | undefined;

  constructor(facts: RequestFacts & { readonly code?: string | undefined; readonly s3Message?: string | undefined }, options?: ErrorOptions) {
    super(`${facts.code && facts.code !== 'AccessDenied' ? facts.code : 'Access denied'}${facts.s3Message ? `: ${facts.s3Message}` : ''}`, facts, options);
    this.code = facts.code;
    this.s3Message = facts.s3Message;
  }
}

/** 416 that the reader could not explain by EOF (the object is shorter than its known size). Not retried. */
export class RangeNotSatisfiableError extends S3RangeReaderError {
  override name = 'RangeNotSatisfiableError';
  constructor(facts: RequestFacts, options?: ErrorOptions) {
    super('Range not satisfiable', facts, options);
  }
}

/**
 * A request failed for another reason: a transient fault (5xx, SlowDown, timeout, connection reset)
 * that outlived every retry (`retryable: true`), or a response the reader cannot use (`retryable: false`).
 * `cause` holds the last underlying error.
 */
export class RequestFailedError extends S3RangeReaderError {
  override name = 'RequestFailedError';
  /** Whether the failure was transient; `true` here means the retries ran out. */
  readonly retryable: boolean;
  /** S3 error code or Node error code of the cause, when known (`SlowDown`, `ECONNRESET`, `Timeout`). */
  readonly code: string | undefined;

  constructor(message: string, facts: RequestFacts & { readonly retryable: boolean; readonly code: string | undefined }, options?: ErrorOptions) {
    super(message, facts, options);
    this.retryable = facts.retryable;
    this.code = facts.code;
  }
}
