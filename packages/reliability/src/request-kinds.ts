/**
 * Which S3 operation a request through the fault proxy is, from its method, path-style URL and
 * headers (the function talks to the local server path-style: `/bucket/key?query`).
 * Operation shapes: https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The request kinds the soak injects faults into and counts. */
export const REQUEST_KINDS = [
  'HEAD',
  'GET',
  'List',
  'COPY',
  'PutObject',
  'DeleteObject',
  'CreateMultipartUpload',
  'UploadPartCopy',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'other',
] as const;

export type RequestKind = (typeof REQUEST_KINDS)[number];

/**
 * @example
 * requestKind('DELETE', '/uploads/a.jpg?uploadId=x', {}) // 'AbortMultipartUpload'
 */
export function requestKind(method: string, path: string, headers: IncomingHttpHeaders | { readonly copy: boolean }): RequestKind {
  const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
  const copy = 'copy' in headers ? headers.copy : headers['x-amz-copy-source'] !== undefined;
  const objectPath = path.split('?')[0]!.replace(/^\/[^/]*\/?/, '');
  switch (method) {
    case 'HEAD':
      return 'HEAD';
    case 'GET':
      // A bucket (no key), or ListMultipartUploads / ListParts.
      if (objectPath === '' || query.has('uploads') || query.has('uploadId')) return 'List';
      return 'GET';
    case 'PUT':
      if (query.has('uploadId')) return copy ? 'UploadPartCopy' : 'UploadPart';
      return copy ? 'COPY' : 'PutObject';
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      return 'other';
    default:
      return 'other';
  }
}

/** The object key of a path-style request to `bucket`, decoded; undefined for another bucket. */
export function keyInBucket(path: string, bucket: string): string | undefined {
  const prefix = `/${bucket}/`;
  const bare = path.split('?')[0]!;
  if (!bare.startsWith(prefix) || bare.length === prefix.length) return undefined;
  try {
    return bare.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
}
