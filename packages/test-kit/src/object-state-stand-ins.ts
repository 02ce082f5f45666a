// STAND-INS for object states the local S3 server (s3rver) cannot produce: archived storage
// classes, SSE-C, SSE-KMS with a key the caller was not granted, Object Lock. s3rver stores any
// object and serves it; AWS refuses these requests. Each answer below is the one AWS documents
// (status, error code, message, detail elements), so the organizer meets what it meets in AWS.
// This is the only place they live; `startLocalS3` puts this middleware in front of s3rver.
//
// The state of an object is recorded from the request that wrote it, as AWS does:
// - `x-amz-storage-class: GLACIER | DEEP_ARCHIVE` (s3rver stores it) -> GET answers 403
//   `InvalidObjectState` with `StorageClass`, a copy from it 403 `ObjectNotInActiveTierError`, until
//   a RestoreObject (`POST ?restore`, answered 202) is completed with `completeRestore()`; HEAD
//   answers and shows `x-amz-restore`.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (InvalidObjectState)
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html (202, RestoreAlreadyInProgress 409)
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
//   An INTELLIGENT_TIERING object moves to its Archive / Deep Archive Access tier after months
//   without access; `archiveIntelligentTiering()` does it now: the same answers, with
//   `AccessTier`, and HEAD's `x-amz-archive-status`.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html
// - `x-amz-server-side-encryption-customer-algorithm` (SSE-C) -> a HEAD without the customer key
//   answers 400 with no body, a GET or copy 400 `InvalidRequest`.
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html ("a HEAD request ... returns
//   a generic code, such as 400 Bad Request"; SSE-C headers required)
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
// - `x-amz-server-side-encryption: aws:kms` with a key id listed in `deniedKmsKeyIds` -> HEAD
//   answers (it needs no kms:Decrypt) with the encryption headers; GET and copies answer 403
//   `AccessDenied` naming `kms:Decrypt`, as S3 does when the caller's role lacks it.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
// - `x-amz-object-lock-legal-hold: ON`, or `x-amz-object-lock-mode` with a future
//   `x-amz-object-lock-retain-until-date` -> a DELETE naming the version (`?versionId=`) answers 403
//   `AccessDenied`. A DELETE without a version is not refused: AWS adds a delete marker and the
//   locked version stays; s3rver has no versions, so here the key simply goes. HEAD and GET show the
//   lock headers only with `showObjectLockHeaders` (AWS returns them only to a caller with
//   s3:GetObjectLegalHold / s3:GetObjectRetention).
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3Error = require('@20minutes/s3rver/lib/models/error') as new (
  code: string,
  message: string,
  detail?: Record<string, unknown>,
) => Error & { status: number };

/** The part of s3rver's Koa context these stand-ins use. */
export interface StandInContext {
  method: string;
  path: string;
  status: number;
  body: unknown;
  query: Record<string, string | string[] | undefined>;
  req: { headers: Record<string, string | string[] | undefined> };
  set(name: string, value: string): void;
}
type StoreWithMetadata = { getMetadata(bucket: string, key: string): Promise<Record<string, string | number>> };
export type StandInMiddleware = (context: StandInContext, next: () => Promise<void>) => Promise<void>;

/** Options of the object-state stand-ins (`startLocalS3({ objectStates })`). */
export interface ObjectStateStandInOptions {
  /** KMS key ids (or ARNs) the caller was not granted: objects under them cannot be read or copied. @default [] */
  readonly deniedKmsKeyIds?: readonly string[];
  /** Show `x-amz-object-lock-*` on HEAD and GET, as AWS does for a caller with s3:GetObjectLegalHold / s3:GetObjectRetention. @default false */
  readonly showObjectLockHeaders?: boolean;
}

/** What a test can see and do about the stand-ins. */
export interface ObjectStateStandIns {
  /** Every RestoreObject request received: `bucket/key` and the tier asked for. */
  readonly restoreRequests: readonly { readonly bucket: string; readonly key: string; readonly tier: string | undefined; readonly days: number | undefined }[];
  /** Makes a requested restore finish (AWS takes minutes to hours): the archived object becomes readable. */
  completeRestore(bucket: string, key: string): void;
  /** Moves an INTELLIGENT_TIERING object to an archive access tier, as months without access would. */
  archiveIntelligentTiering(bucket: string, key: string, tier: 'ARCHIVE_ACCESS' | 'DEEP_ARCHIVE_ACCESS'): void;
  /** Requests refused by a stand-in, with the code answered (to count attempts). */
  readonly refusals: readonly { readonly method: string; readonly bucket: string; readonly key: string; readonly code: string }[];
  readonly middleware: StandInMiddleware;
}

interface RecordedState {
  sseCustomerAlgorithm?: string;
  sseCustomerKeyMd5?: string;
  kmsKeyId?: string;
  legalHold?: string;
  lockMode?: string;
  retainUntil?: string;
  restore?: 'ongoing' | 'done';
  /** Intelligent-Tiering archive access tier, until restored. */
  archiveTier?: 'ARCHIVE_ACCESS' | 'DEEP_ARCHIVE_ACCESS';
}

const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * Builds the stand-in middleware for one local S3 server.
 *
 * @example
 * const s3 = await startLocalS3({ buckets: ['in'], objectStates: { deniedKmsKeyIds: ['arn:aws:kms:us-east-1:000000000000:key/denied'] } });
 * await s3.client().send(new PutObjectCommand({ Bucket: 'in', Key: 'a.jpg', Body: bytes, StorageClass: 'DEEP_ARCHIVE' }));
 * // GET s3://in/a.jpg now answers 403 InvalidObjectState, as AWS does
 */
export function createObjectStateStandIns(store: StoreWithMetadata, options: ObjectStateStandInOptions = {}): ObjectStateStandIns {
  const states = new Map<string, RecordedState>();
  const restoreRequests: { bucket: string; key: string; tier: string | undefined; days: number | undefined }[] = [];
  const refusals: { method: string; bucket: string; key: string; code: string }[] = [];
  const denied = new Set(options.deniedKmsKeyIds ?? []);

  const storageClassOf = async (bucket: string, key: string): Promise<string | undefined> => {
    try {
      const storageClass = (await store.getMetadata(bucket, key))['x-amz-storage-class'];
      return storageClass === undefined ? undefined : String(storageClass);
    } catch {
      return undefined; // not there: s3rver answers NoSuchKey itself
    }
  };
  /** The error AWS answers with; `refused()` records it when it is actually sent. */
  const refuse = (method: string, bucket: string, key: string, code: string, message: string, status: number, detail: Record<string, unknown> = {}) => {
    const error = Object.assign(new S3Error(code, message, detail), { refusal: { method, bucket, key, code } });
    error.status = status;
    return error;
  };
  const refused = (error: ReturnType<typeof refuse>) => {
    refusals.push(error.refusal);
    return error;
  };

  /** Why reading (GET, or copying from) this object is refused, as AWS answers it; undefined when allowed. */
  async function readRefusal(method: string, bucket: string, key: string, headers: StandInContext['req']['headers'], copy: boolean) {
    const state = states.get(`${bucket}/${key}`);
    const storageClass = await storageClassOf(bucket, key);
    const archivedTier = storageClass === 'INTELLIGENT_TIERING' && state?.restore !== 'done' ? state?.archiveTier : undefined;
    if (storageClass && ((ARCHIVE_CLASSES.has(storageClass) && state?.restore !== 'done') || archivedTier)) {
      return copy
        ? refuse(method, bucket, key, 'ObjectNotInActiveTierError', 'The source object of the COPY action is not in the active tier and is only stored in Amazon S3 Glacier.', 403)
        : refuse(method, bucket, key, 'InvalidObjectState', "The operation is not valid for the object's storage class", 403, {
            StorageClass: storageClass,
            ...(archivedTier ? { AccessTier: archivedTier } : {}),
          });
    }
    if (state?.sseCustomerAlgorithm) {
      const given = header(headers, copy ? 'x-amz-copy-source-server-side-encryption-customer-key-md5' : 'x-amz-server-side-encryption-customer-key-md5');
      if (given !== state.sseCustomerKeyMd5) {
        return refuse(
          method,
          bucket,
          key,
          'InvalidRequest',
          'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
          400,
        );
      }
    }
    if (state?.kmsKeyId && denied.has(state.kmsKeyId)) {
      return refuse(
        method,
        bucket,
        key,
        'AccessDenied',
        `User: arn:aws:sts::000000000000:assumed-role/photo-organizer/photo-organizer is not authorized to perform: kms:Decrypt on resource: ${state.kmsKeyId} because no identity-based policy allows the kms:Decrypt action`,
        403,
      );
    }
    return undefined;
  }

  const middleware: StandInMiddleware = async function objectStateStandIns(context, next) {
    const [, bucket, ...keyParts] = context.path.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    if (!bucket || !key) return next();
    const headers = context.req.headers;
    const id = `${bucket}/${key}`;
    const copySource = header(headers, 'x-amz-copy-source');
    // The SDK adds `?x-id=GetObject` and the like: not a subresource.
    const subresources = Object.keys(context.query).filter((name) => name !== 'x-id' && name !== 'versionId');

    if (context.method === 'POST' && 'restore' in context.query) {
      const storageClass = await storageClassOf(bucket, key);
      if (!storageClass || !(ARCHIVE_CLASSES.has(storageClass) || (storageClass === 'INTELLIGENT_TIERING' && states.get(id)?.archiveTier))) {
        throw refused(refuse('POST', bucket, key, 'InvalidObjectState', "Restore is not allowed for the object's current storage class", 403));
      }
      const state = states.get(id) ?? {};
      if (state.restore === 'ongoing') throw refused(refuse('POST', bucket, key, 'RestoreAlreadyInProgress', 'Object restore is already in progress', 409));
      const body = await readBody(context);
      const tier = /<Tier>([^<]*)<\/Tier>/.exec(body)?.[1];
      const days = /<Days>(\d+)<\/Days>/.exec(body)?.[1];
      restoreRequests.push({ bucket, key, tier, days: days === undefined ? undefined : Number(days) });
      states.set(id, { ...state, restore: 'ongoing' });
      context.status = 202;
      context.body = '';
      return;
    }

    if (context.method === 'GET' || context.method === 'HEAD') {
      if (subresources.some((name) => name !== 'partNumber')) return next(); // ?tagging, ?acl ...
      const state = states.get(id);
      const refusal = await readRefusal(context.method, bucket, key, headers, false);
      // Archived and KMS-denied objects still answer HEAD: it reads no data.
      if (refusal && (context.method === 'GET' || refusal.status === 400)) throw refused(refusal);
      await next();
      if (!state) return;
      if (state.kmsKeyId) {
        context.set('x-amz-server-side-encryption', 'aws:kms');
        context.set('x-amz-server-side-encryption-aws-kms-key-id', state.kmsKeyId);
      }
      if (state.sseCustomerAlgorithm) {
        context.set('x-amz-server-side-encryption-customer-algorithm', state.sseCustomerAlgorithm);
        context.set('x-amz-server-side-encryption-customer-key-MD5', state.sseCustomerKeyMd5 ?? '');
      }
      if (options.showObjectLockHeaders) {
        if (state.legalHold) context.set('x-amz-object-lock-legal-hold', state.legalHold);
        if (state.lockMode) context.set('x-amz-object-lock-mode', state.lockMode);
        if (state.retainUntil) context.set('x-amz-object-lock-retain-until-date', state.retainUntil);
      }
      if (state.archiveTier && state.restore !== 'done') context.set('x-amz-archive-status', state.archiveTier);
      if (state.restore) context.set('x-amz-restore', state.restore === 'ongoing' ? 'ongoing-request="true"' : `ongoing-request="false", expiry-date="${new Date(Date.now() + 86_400_000).toUTCString()}"`);
      return;
    }

    if (context.method === 'DELETE' && subresources.length === 0) {
      const state = states.get(id);
      const retained = state?.retainUntil !== undefined && Date.parse(state.retainUntil) > Date.now();
      if ((state?.legalHold === 'ON' || retained) && typeof context.query.versionId === 'string') throw refused(refuse('DELETE', bucket, key, 'AccessDenied', 'Access Denied because object protected by object lock.', 403));
      await next();
      states.delete(id);
      return;
    }

    if (context.method === 'PUT' && copySource !== undefined && subresources.every((name) => name === 'partNumber' || name === 'uploadId')) {
      const source = decodeURIComponent(copySource.replace(/\?versionId=.*$/, '')).replace(/^\//, '');
      const slash = source.indexOf('/');
      const refusal = await readRefusal(context.method, source.slice(0, slash), source.slice(slash + 1), headers, true);
      if (refusal) throw refused(refusal);
    }
    const writesObject = (context.method === 'PUT' && subresources.length === 0) ||
      (context.method === 'POST' && 'uploads' in context.query);
    if (!writesObject) return next();
    // Recorded before the write: the object's event may reach a reader before this middleware
    // sees the answer. Put back if the write fails.
    const previous = states.get(id);
    const recorded: RecordedState = {};
    const sseC = header(headers, 'x-amz-server-side-encryption-customer-algorithm');
    if (sseC) Object.assign(recorded, { sseCustomerAlgorithm: sseC, sseCustomerKeyMd5: header(headers, 'x-amz-server-side-encryption-customer-key-md5') });
    if (header(headers, 'x-amz-server-side-encryption') === 'aws:kms') recorded.kmsKeyId = header(headers, 'x-amz-server-side-encryption-aws-kms-key-id') ?? 'aws/s3';
    const legalHold = header(headers, 'x-amz-object-lock-legal-hold');
    if (legalHold) recorded.legalHold = legalHold;
    const lockMode = header(headers, 'x-amz-object-lock-mode');
    if (lockMode) recorded.lockMode = lockMode;
    const retainUntil = header(headers, 'x-amz-object-lock-retain-until-date');
    if (retainUntil) recorded.retainUntil = retainUntil;
    if (Object.keys(recorded).length > 0) states.set(id, recorded);
    else states.delete(id);
    try {
      await next();
    } catch (error) {
      if (previous) states.set(id, previous);
      else states.delete(id);
      throw error;
    }
  };

  return {
    restoreRequests,
    refusals,
    completeRestore(bucket, key) {
      const id = `${bucket}/${key}`;
      states.set(id, { ...states.get(id), restore: 'done' });
    },
    archiveIntelligentTiering(bucket, key, tier) {
      const id = `${bucket}/${key}`;
      states.set(id, { ...states.get(id), archiveTier: tier });
    },
    middleware,
  };
}

function header(headers: StandInContext['req']['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(context: StandInContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of context.req as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
