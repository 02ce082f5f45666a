import { NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ObjectChangedError, ObjectNotFoundError, RequestFailedError, s3ErrorKind, statusOf } from '../src/index.js';

// The SDK's own exception classes, built as its deserializer builds them from an S3 answer
// (status in $metadata, the S3 error code as name): no server needed to exercise the table.
function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });
}

const facts = { bucket: 'b', key: 'k', range: undefined, attempt: 1 };

describe('s3ErrorKind', () => {
  it.each([
    [new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'gone' }), 'not-found'],
    [new NotFound({ $metadata: { httpStatusCode: 404 }, message: '' }), 'not-found'],
    [serviceError('NoSuchVersion', 404), 'not-found'],
    [serviceError('PreconditionFailed', 412), 'precondition-failed'],
    [serviceError('ConditionalRequestConflict', 409), 'conflict'],
    [serviceError('AccessDenied', 403), 'access-denied'],
    [serviceError('InvalidRange', 416), 'invalid-range'],
    [serviceError('SlowDown', 503), 'transient'],
    [serviceError('InternalError', 500), 'transient'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    [serviceError('InvalidArgument', 400), 'other'],
    [new TypeError('x is not a function'), 'other'],
    [new ObjectNotFoundError(facts), 'not-found'],
    [new ObjectChangedError({ ...facts, expected: '"a"', actual: '"b"' }), 'precondition-failed'],
    [new RequestFailedError('gave up', { ...facts, retryable: true, code: 'SlowDown' }), 'transient'],
    [new RequestFailedError('no Range support', { ...facts, retryable: false, code: undefined }), 'other'],
  ] as const)('%s -> %s', (error, kind) => {
    expect(s3ErrorKind(error)).toBe(kind);
  });

  it('reads the HTTP status of SDK errors', () => {
    expect(statusOf(serviceError('SlowDown', 503))).toBe(503);
    expect(statusOf(new Error('no response'))).toBeUndefined();
  });
});
