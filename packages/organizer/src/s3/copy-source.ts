import type { PinnedObject } from '../core/object-reference.js';

/**
 * `x-amz-copy-source`: bucket/key URL-encoded (slashes kept), with the version when known
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html#API_CopyObject_RequestSyntax).
 * @example
 * copySource({ bucket: 'in', key: 'a b/IMG 1.jpg' }); // 'in/a%20b/IMG%201.jpg'
 */
export function copySource(source: Pick<PinnedObject, 'bucket' | 'key' | 'versionId'>): string {
  const key = source.key.split('/').map(encodeURIComponent).join('/');
  return `${source.bucket}/${key}${source.versionId ? `?versionId=${encodeURIComponent(source.versionId)}` : ''}`;
}
