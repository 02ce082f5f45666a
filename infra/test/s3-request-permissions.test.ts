// The request-to-permission mapping on request shapes the function may send but the pipeline
// scenarios do not produce (versioned buckets, resumed and aborted multipart copies, tags), and the
// refusal of shapes it does not know. Expected values: AWS's "Required permissions for Amazon S3
// API operations" page.
import { describe, expect, it } from 'vitest';
import { type RecordedS3Request, requiredPermissions, UnknownS3RequestError } from './s3-request-permissions.js';

const OBJECT = 'arn:aws:s3:::example-photos/2019-07-15/IMG 0001.jpg';
const SOURCE = 'arn:aws:s3:::example-uploads/a b.jpg';
const request = (method: string, path: string, headers: RecordedS3Request['headers'] = {}): RecordedS3Request => ({ method, path, headers });
const actions = (recorded: RecordedS3Request) => requiredPermissions(recorded).map((permission) => `${permission.action} ${permission.resource}`);

describe('which IAM actions S3 checks for a recorded request', () => {
  it.each([
    ['HEAD object', request('HEAD', '/example-photos/2019-07-15/IMG%200001.jpg'), [`s3:GetObject ${OBJECT}`]],
    ['GET object version', request('GET', '/example-photos/2019-07-15/IMG%200001.jpg?versionId=v1&x-id=GetObject'), [`s3:GetObjectVersion ${OBJECT}`]],
    ['GetObjectTagging of a version', request('GET', '/example-photos/2019-07-15/IMG%200001.jpg?tagging=&versionId=v1'), [`s3:GetObjectVersionTagging ${OBJECT}`]],
    ['PUT with tags', request('PUT', '/example-photos/2019-07-15/IMG%200001.jpg?x-id=PutObject', { 'x-amz-tagging': 'a=b' }), [`s3:PutObject ${OBJECT}`, `s3:PutObjectTagging ${OBJECT}`]],
    [
      'CopyObject of a source version, tags replaced',
      request('PUT', '/example-photos/2019-07-15/IMG%200001.jpg?x-id=CopyObject', { 'x-amz-copy-source': 'example-uploads/a%20b.jpg?versionId=v7', 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'a=b' }),
      [`s3:PutObject ${OBJECT}`, `s3:PutObjectTagging ${OBJECT}`, `s3:GetObjectVersion ${SOURCE}`],
    ],
    ['CopyObject, tags copied', request('PUT', '/example-photos/2019-07-15/IMG%200001.jpg', { 'x-amz-copy-source': '/example-uploads/a%20b.jpg' }), [`s3:PutObject ${OBJECT}`, `s3:GetObject ${SOURCE}`, `s3:GetObjectTagging ${SOURCE}`]],
    ['UploadPartCopy', request('PUT', '/example-photos/2019-07-15/IMG%200001.jpg?partNumber=2&uploadId=u', { 'x-amz-copy-source': 'example-uploads/a%20b.jpg' }), [`s3:PutObject ${OBJECT}`, `s3:GetObject ${SOURCE}`]],
    ['ListParts', request('GET', '/example-photos/2019-07-15/IMG%200001.jpg?uploadId=u&max-parts=1000'), [`s3:ListMultipartUploadParts ${OBJECT}`]],
    ['AbortMultipartUpload', request('DELETE', '/example-photos/2019-07-15/IMG%200001.jpg?uploadId=u'), [`s3:AbortMultipartUpload ${OBJECT}`]],
    ['ListMultipartUploads', request('GET', '/example-photos/?uploads=&prefix=2019'), ['s3:ListBucketMultipartUploads arn:aws:s3:::example-photos']],
    ['DeleteObject of a version', request('DELETE', '/example-photos/2019-07-15/IMG%200001.jpg?versionId=v1'), [`s3:DeleteObjectVersion ${OBJECT}`]],
  ])('%s', (_name, recorded, expected) => {
    expect(actions(recorded)).toEqual(expected);
  });

  it('passes the conditional headers as s3:if-match / s3:if-none-match', () => {
    const [remove] = requiredPermissions(request('DELETE', '/example-photos/a.jpg?x-id=DeleteObject', { 'if-match': '"e1"' }));
    const [complete] = requiredPermissions(request('POST', '/example-photos/a.jpg?uploadId=u', { 'if-none-match': '*' }));

    expect(remove?.context).toEqual({ 's3:if-match': '"e1"' });
    expect(complete?.context).toEqual({ 's3:if-none-match': '*' });
  });

  it.each([
    ['RestoreObject', request('POST', '/example-uploads/a.jpg?restore')],
    ['GetBucketLocation', request('GET', '/example-photos?location')],
    ['ListObjects v1', request('GET', '/example-photos/?prefix=a')],
    ['GetObjectAttributes', request('GET', '/example-photos/a.jpg?attributes')],
    ['a PUT with an SSE-KMS key', request('PUT', '/example-photos/a.jpg', { 'x-amz-server-side-encryption': 'aws:kms' })],
    ['ListBuckets', request('GET', '/')],
  ])('refuses a shape it has no mapping for: %s', (_name, recorded) => {
    expect(() => requiredPermissions(recorded)).toThrow(UnknownS3RequestError);
  });
});
