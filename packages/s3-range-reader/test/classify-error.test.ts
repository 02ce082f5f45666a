import { NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, ObjectChangedError, ObjectNotFoundError, RequestFailedError, s3ErrorCode, s3ErrorKind, statusOf } from '../src/index.js';
import { classifyError } from '../src/classify-error.js';

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

describe('the S3 error code is kept, not folded into "Access denied"', () => {
  it.each([
    ['InvalidObjectState', "The operation is not valid for the object's storage class", 'InvalidObjectState'],
    ['AccessDenied', 'User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: kms:Decrypt', 'AccessDenied'],
    ['KMS.DisabledException', 'arn:aws:kms:eu-west-1:1:key/k is disabled.', 'KMS.DisabledException'],
  ])('a 403 %s keeps its code and message through the reader', (code, message, expected) => {
    const sdkError = new S3ServiceException({ name: code, $fault: 'client', $metadata: { httpStatusCode: 403 }, message });
    const classified = classifyError(sdkError, facts, undefined);
    expect(classified).toBeInstanceOf(AccessDeniedError);
    expect((classified as AccessDeniedError).code).toBe(expected);
    expect(classified.message).toContain(message);
    expect(s3ErrorCode(classified)).toBe(expected);
    expect(s3ErrorKind(classified)).toBe('access-denied');
  });

  it('has no code for a HEAD error (no body: the SDK says UnknownError / NotFound)', () => {
    expect(s3ErrorCode(serviceError('Unknown', 400))).toBeUndefined();
    expect(s3ErrorCode(serviceError('UnknownError', 400))).toBeUndefined();
    expect(s3ErrorCode(serviceError('NotFound', 404))).toBeUndefined();
    expect(s3ErrorCode(serviceError('InvalidRequest', 400))).toBe('InvalidRequest');
  });
});
