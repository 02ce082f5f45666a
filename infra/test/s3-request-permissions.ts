// Maps one path-style S3 REST request, as recorded on the wire, to what S3 authorizes it with: the
// IAM action(s), the resource ARN of each and the request's condition keys. Source: "Required
// permissions for Amazon S3 API operations",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html, and the
// condition keys of "Actions, resources, and condition keys for Amazon S3",
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html.
// A request shape not listed here throws UnknownS3RequestError: a new kind of request must be
// mapped (and so checked) before the suite passes again.

/** A request as the proxy in front of the local S3 server saw it. */
export interface RecordedS3Request {
  readonly method: string;
  /** Path and query as sent, path-style (`/bucket/key?query`). */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** One authorization S3 makes for a request: `action` on `resource`, with these condition keys. */
export interface RequiredPermission {
  /** E.g. `s3:PutObject`. */
  readonly action: string;
  /** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key` (key decoded). */
  readonly resource: string;
  /** Request condition keys (`s3:if-match`...); `s3:ResourceAccount` is the evaluator's to add. */
  readonly context: Record<string, string>;
}

/** A request whose IAM mapping this file does not know (yet). */
export class UnknownS3RequestError extends Error {
  constructor(
    readonly request: Pick<RecordedS3Request, 'method' | 'path'>,
    reason: string,
  ) {
    super(`No IAM mapping for ${request.method} ${request.path}: ${reason}. Add it to infra/test/s3-request-permissions.ts from the AWS page "Required permissions for Amazon S3 API operations".`);
    this.name = 'UnknownS3RequestError';
  }
}

/** Query parameters that select nothing (the SDK's operation hint, list paging and filters). */
const HARMLESS_QUERY = new Set(['x-id', 'prefix', 'delimiter', 'max-keys', 'continuation-token', 'start-after', 'encoding-type', 'fetch-owner', 'key-marker', 'upload-id-marker', 'max-uploads', 'max-parts', 'part-number-marker', 'partNumber']);
/** Headers whose presence needs a permission this file does not map. */
const UNMAPPED_HEADERS = ['x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-bypass-governance-retention', 'x-amz-request-payer', 'x-amz-write-offset-bytes'];
/** Headers that are condition keys of the object actions (`s3:<header>`), when sent. */
const CONDITION_HEADERS = ['x-amz-storage-class', 'x-amz-metadata-directive', 'x-amz-server-side-encryption', 'x-amz-copy-source', 'x-amz-acl'];

const header = (request: RecordedS3Request, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/**
 * The permissions S3 checks for `request`; several for a copy (target and source) or a write with
 * tags.
 *
 * @throws {UnknownS3RequestError} for a method, subresource or header this mapping does not know
 * @example
 * ```ts
 * requiredPermissions({ method: 'DELETE', path: '/photos/a.jpg', headers: { 'if-match': '"e"' } });
 * // [{ action: 's3:DeleteObject', resource: 'arn:aws:s3:::photos/a.jpg', context: { 's3:if-match': '"e"' } }]
 * ```
 */
export function requiredPermissions(request: RecordedS3Request): RequiredPermission[] {
  const url = new URL(request.path, 'http://s3.invalid');
  const [bucket, ...keyParts] = url.pathname.slice(1).split('/');
  if (!bucket) throw new UnknownS3RequestError(request, 'no bucket (ListBuckets?)');
  const key = keyParts.length > 0 ? decodeURIComponent(keyParts.join('/')) : undefined;
  const query = new Set(url.searchParams.keys());
  const unknownQuery = [...query].filter((name) => !HARMLESS_QUERY.has(name) && !['list-type', 'uploads', 'uploadId', 'versionId', 'tagging'].includes(name));
  if (unknownQuery.length > 0) throw new UnknownS3RequestError(request, `subresource ${unknownQuery.join(', ')}`);
  const unmapped = UNMAPPED_HEADERS.filter((name) => header(request, name) !== undefined);
  if (header(request, 'x-amz-server-side-encryption') === 'aws:kms' || header(request, 'x-amz-server-side-encryption') === 'aws:kms:dsse') unmapped.push('x-amz-server-side-encryption: aws:kms (KMS permissions)');
  if (unmapped.length > 0) throw new UnknownS3RequestError(request, `header ${unmapped.join(', ')}`);

  const method = request.method.toUpperCase();
  const bucketArn = `arn:aws:s3:::${bucket}`;
  if (key === undefined || key === '') return bucketPermissions(request, method, query, url.searchParams, bucketArn);

  const objectArn = `${bucketArn}/${key}`;
  const versionId = url.searchParams.get('versionId') ?? undefined;
  const context: Record<string, string> = {};
  for (const name of CONDITION_HEADERS) {
    const value = header(request, name);
    if (value !== undefined) context[`s3:${name}`] = value;
  }
  // Conditional writes and deletes: "s3:if-match" / "s3:if-none-match" (AWS's "Enforce
  // conditional writes" and "Enforce conditional deletes" pages).
  const ifMatch = header(request, 'if-match');
  const ifNoneMatch = header(request, 'if-none-match');
  if (versionId) context['s3:versionid'] = versionId;
  const read = (tagging: boolean) => [{ action: `s3:GetObject${versionId ? 'Version' : ''}${tagging ? 'Tagging' : ''}`, resource: objectArn, context }];

  const writeExtras = (): RequiredPermission[] => {
    const extras: RequiredPermission[] = [];
    // PutObject, CopyObject, CreateMultipartUpload: s3:PutObjectTagging to set tags with x-amz-tagging.
    if (header(request, 'x-amz-tagging') !== undefined) extras.push({ action: 's3:PutObjectTagging', resource: objectArn, context: {} });
    if (header(request, 'x-amz-acl') !== undefined || Object.keys(request.headers).some((name) => name.startsWith('x-amz-grant-'))) extras.push({ action: 's3:PutObjectAcl', resource: objectArn, context: {} });
    if (header(request, 'x-amz-object-lock-mode') !== undefined || header(request, 'x-amz-object-lock-retain-until-date') !== undefined) extras.push({ action: 's3:PutObjectRetention', resource: objectArn, context: {} });
    if (header(request, 'x-amz-object-lock-legal-hold') !== undefined) extras.push({ action: 's3:PutObjectLegalHold', resource: objectArn, context: {} });
    return extras;
  };
  const copySource = (): RequiredPermission[] => {
    const raw = header(request, 'x-amz-copy-source');
    if (raw === undefined) return [];
    // `bucket/key?versionId=...`, URL-encoded, optionally with a leading '/'.
    const source = new URL(`/${raw.replace(/^\//, '')}`, 'http://s3.invalid');
    const sourceVersion = source.searchParams.get('versionId') ?? undefined;
    const sourceArn = `arn:aws:s3:::${decodeURIComponent(source.pathname.slice(1))}`;
    const sourceContext: Record<string, string> = sourceVersion ? { 's3:versionid': sourceVersion } : {};
    const permissions: RequiredPermission[] = [{ action: `s3:GetObject${sourceVersion ? 'Version' : ''}`, resource: sourceArn, context: sourceContext }];
    // CopyObject copies the source's tag set unless x-amz-tagging-directive is REPLACE (the API
    // reference's default is COPY): S3 then reads the source's tags too. Our reading of the page;
    // UploadPartCopy copies bytes only.
    if (!query.has('uploadId') && (header(request, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase() === 'COPY') {
      permissions.push({ action: `s3:GetObject${sourceVersion ? 'Version' : ''}Tagging`, resource: sourceArn, context: sourceContext });
    }
    return permissions;
  };
  const conditional = { ...context, ...(ifMatch !== undefined ? { 's3:if-match': ifMatch } : {}), ...(ifNoneMatch !== undefined ? { 's3:if-none-match': ifNoneMatch } : {}) };

  if (query.has('tagging')) {
    if (method === 'GET') return read(true);
    if (method === 'PUT') return [{ action: `s3:PutObject${versionId ? 'Version' : ''}Tagging`, resource: objectArn, context }];
    throw new UnknownS3RequestError(request, `${method} ?tagging`);
  }
  if (method === 'GET' || method === 'HEAD') {
    // ListParts: s3:ListMultipartUploadParts; GetObject / HeadObject (Range, checksum mode,
    // If-Match included): s3:GetObject, s3:GetObjectVersion with a versionId.
    if (query.has('uploadId')) return [{ action: 's3:ListMultipartUploadParts', resource: objectArn, context }];
    if (query.has('uploads') || query.has('list-type')) throw new UnknownS3RequestError(request, 'a bucket subresource on an object');
    return read(false);
  }
  if (method === 'PUT') {
    // PutObject, UploadPart, CopyObject, UploadPartCopy: s3:PutObject on the target (plus the source's read for a copy).
    if (versionId) throw new UnknownS3RequestError(request, 'PUT with versionId');
    return [{ action: 's3:PutObject', resource: objectArn, context: conditional }, ...writeExtras(), ...copySource()];
  }
  if (method === 'POST') {
    // CreateMultipartUpload (?uploads), CompleteMultipartUpload (?uploadId): s3:PutObject.
    if (query.has('uploads')) return [{ action: 's3:PutObject', resource: objectArn, context: conditional }, ...writeExtras()];
    if (query.has('uploadId')) return [{ action: 's3:PutObject', resource: objectArn, context: conditional }];
    throw new UnknownS3RequestError(request, 'POST without ?uploads or ?uploadId (RestoreObject, SelectObjectContent...)');
  }
  if (method === 'DELETE') {
    if (query.has('uploadId')) return [{ action: 's3:AbortMultipartUpload', resource: objectArn, context }];
    // DeleteObject: s3:DeleteObject; with a versionId: s3:DeleteObjectVersion.
    return [{ action: versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: objectArn, context: conditional }];
  }
  throw new UnknownS3RequestError(request, `method ${method} on an object`);
}

function bucketPermissions(request: RecordedS3Request, method: string, query: Set<string>, searchParams: URLSearchParams, bucketArn: string): RequiredPermission[] {
  // ListObjectsV2 (and HeadBucket): s3:ListBucket, with s3:prefix / s3:delimiter / s3:max-keys.
  const listContext: Record<string, string> = {};
  for (const name of ['prefix', 'delimiter', 'max-keys']) {
    const value = searchParams.get(name);
    if (value !== null) listContext[`s3:${name}`] = value;
  }
  if (method === 'GET' && query.has('list-type')) {
    if (searchParams.get('list-type') !== '2') throw new UnknownS3RequestError(request, `list-type ${searchParams.get('list-type')}`);
    return [{ action: 's3:ListBucket', resource: bucketArn, context: listContext }];
  }
  // ListMultipartUploads: s3:ListBucketMultipartUploads.
  if (method === 'GET' && query.has('uploads')) return [{ action: 's3:ListBucketMultipartUploads', resource: bucketArn, context: {} }];
  if (method === 'HEAD' && query.size === 0) return [{ action: 's3:ListBucket', resource: bucketArn, context: {} }];
  throw new UnknownS3RequestError(request, `${method} on the bucket with ${[...query].join(', ') || 'no subresource'} (ListObjects v1, GetBucketLocation...)`);
}
