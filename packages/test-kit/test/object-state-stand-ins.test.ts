import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../src/index.js';

// The stand-ins answer as AWS documents (object-state-stand-ins.ts cites each page); these tests
// check the answers the SDK then gives, through the real SDK and the real local server.
const DENIED_KEY = 'arn:aws:kms:us-east-1:000000000000:key/denied';
let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: ['in', 'out'], objectStates: { deniedKmsKeyIds: [DENIED_KEY] } });
  client = s3.client();
});
afterAll(async () => {
  await s3?.stop();
});

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const raw = error as { name: string; message: string; $metadata?: { httpStatusCode?: number }; StorageClass?: string };
    return { name: raw.name, message: raw.message, status: raw.$metadata?.httpStatusCode, storageClass: raw.StorageClass };
  }
  throw new Error('expected the request to fail');
};

describe('archived storage classes', () => {
  it('GET answers 403 InvalidObjectState with the storage class, HEAD answers, a copy 403 ObjectNotInActiveTierError, until restored', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'in', Key: 'old.jpg', Body: 'bytes', StorageClass: 'DEEP_ARCHIVE' }));
    expect(await failure(client.send(new GetObjectCommand({ Bucket: 'in', Key: 'old.jpg' })))).toMatchObject({ name: 'InvalidObjectState', status: 403, storageClass: 'DEEP_ARCHIVE' });
    expect((await client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'old.jpg' }))).StorageClass).toBe('DEEP_ARCHIVE');
    expect(await failure(client.send(new CopyObjectCommand({ Bucket: 'out', Key: 'old.jpg', CopySource: 'in/old.jpg' })))).toMatchObject({ name: 'ObjectNotInActiveTierError', status: 403 });

    const restore = await client.send(new RestoreObjectCommand({ Bucket: 'in', Key: 'old.jpg', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }));
    expect(restore.$metadata.httpStatusCode).toBe(202);
    expect(s3.objectStates.restoreRequests).toContainEqual({ bucket: 'in', key: 'old.jpg', tier: 'Bulk', days: 1 });
    expect(await failure(client.send(new RestoreObjectCommand({ Bucket: 'in', Key: 'old.jpg', RestoreRequest: { Days: 1 } })))).toMatchObject({ name: 'RestoreAlreadyInProgress', status: 409 });
    expect((await client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'old.jpg' }))).Restore).toBe('ongoing-request="true"');

    s3.objectStates.completeRestore('in', 'old.jpg');
    expect((await client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'old.jpg' }))).Restore).toMatch(/^ongoing-request="false", expiry-date=/);
    expect(await (await client.send(new GetObjectCommand({ Bucket: 'in', Key: 'old.jpg' }))).Body!.transformToString()).toBe('bytes');
  });
});

describe('Intelligent-Tiering archive access tiers', () => {
  it('GET answers 403 InvalidObjectState with the access tier, HEAD shows x-amz-archive-status, a restore (no Days) makes it readable', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'in', Key: 'tiered.jpg', Body: 'bytes', StorageClass: 'INTELLIGENT_TIERING' }));
    s3.objectStates.archiveIntelligentTiering('in', 'tiered.jpg', 'DEEP_ARCHIVE_ACCESS');
    const denied = await failure(client.send(new GetObjectCommand({ Bucket: 'in', Key: 'tiered.jpg' })));
    expect(denied).toMatchObject({ name: 'InvalidObjectState', status: 403, storageClass: 'INTELLIGENT_TIERING' });
    expect((await client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'tiered.jpg' }))).ArchiveStatus).toBe('DEEP_ARCHIVE_ACCESS');
    await client.send(new RestoreObjectCommand({ Bucket: 'in', Key: 'tiered.jpg', RestoreRequest: { GlacierJobParameters: { Tier: 'Bulk' } } }));
    expect(s3.objectStates.restoreRequests).toContainEqual({ bucket: 'in', key: 'tiered.jpg', tier: 'Bulk', days: undefined });
    s3.objectStates.completeRestore('in', 'tiered.jpg');
    expect(await (await client.send(new GetObjectCommand({ Bucket: 'in', Key: 'tiered.jpg' }))).Body!.transformToString()).toBe('bytes');
  });
});

describe('SSE-C', () => {
  it('HEAD without the customer key answers 400 with no body (the SDK names it Unknown), GET 400 InvalidRequest; with the key both work', async () => {
    const customerKey = randomBytes(32);
    const keyMd5 = createHash('md5').update(customerKey).digest('base64');
    // The SDK computes the key's MD5 itself from SSECustomerKey.
    await client.send(new PutObjectCommand({ Bucket: 'in', Key: 'secret.jpg', Body: 'bytes', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey.toString('base64') }));
    const head = await failure(client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'secret.jpg' })));
    expect(head).toMatchObject({ status: 400, name: 'Unknown' });
    expect(await failure(client.send(new GetObjectCommand({ Bucket: 'in', Key: 'secret.jpg', Range: 'bytes=0-3' })))).toMatchObject({
      name: 'InvalidRequest',
      status: 400,
      message: expect.stringContaining('Server Side Encryption'),
    });
    const withKey = await client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'secret.jpg', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey.toString('base64') }));
    expect([withKey.SSECustomerAlgorithm, withKey.SSECustomerKeyMD5]).toEqual(['AES256', keyMd5]);
  });
});

describe('SSE-KMS with a key not granted', () => {
  it('HEAD shows the key; GET and copies answer 403 AccessDenied naming kms:Decrypt', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'in', Key: 'kms.jpg', Body: 'bytes', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: DENIED_KEY }));
    const head = await client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'kms.jpg' }));
    expect([head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual(['aws:kms', DENIED_KEY]);
    expect(await failure(client.send(new GetObjectCommand({ Bucket: 'in', Key: 'kms.jpg' })))).toMatchObject({ name: 'AccessDenied', status: 403, message: expect.stringContaining('kms:Decrypt') });
    expect(await failure(client.send(new CopyObjectCommand({ Bucket: 'out', Key: 'kms.jpg', CopySource: 'in/kms.jpg' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
  });
});

describe('Object Lock', () => {
  it('refuses to delete a version under legal hold (403 AccessDenied); a delete without a version stands for a delete marker', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'in', Key: 'held.jpg', Body: 'bytes', ObjectLockLegalHoldStatus: 'ON' }));
    // Not shown to a caller without s3:GetObjectLegalHold.
    expect((await client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'held.jpg' }))).ObjectLockLegalHoldStatus).toBeUndefined();
    expect(await failure(client.send(new DeleteObjectCommand({ Bucket: 'in', Key: 'held.jpg', VersionId: 'v1' })))).toMatchObject({ name: 'AccessDenied', status: 403, message: expect.stringContaining('object lock') });
    expect(s3.objectStates.refusals).toContainEqual({ method: 'DELETE', bucket: 'in', key: 'held.jpg', code: 'AccessDenied' });
    await client.send(new DeleteObjectCommand({ Bucket: 'in', Key: 'held.jpg' }));
    expect(await failure(client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'held.jpg' })))).toMatchObject({ status: 404 });
  });

  it('shows the hold and the retention to a caller that may read them (showObjectLockHeaders)', async () => {
    const visible = await startLocalS3({ buckets: ['in'], objectStates: { showObjectLockHeaders: true } });
    try {
      const visibleClient = visible.client();
      const until = new Date(Date.now() + 86_400_000);
      await visibleClient.send(new PutObjectCommand({ Bucket: 'in', Key: 'kept.jpg', Body: 'bytes', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: 'ON' }));
      const head = await visibleClient.send(new HeadObjectCommand({ Bucket: 'in', Key: 'kept.jpg' }));
      expect([head.ObjectLockLegalHoldStatus, head.ObjectLockMode, head.ObjectLockRetainUntilDate?.toISOString().slice(0, 19)]).toEqual(['ON', 'COMPLIANCE', until.toISOString().slice(0, 19)]);
      expect(await failure(visibleClient.send(new DeleteObjectCommand({ Bucket: 'in', Key: 'kept.jpg', VersionId: 'v1' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    } finally {
      await visible.stop();
    }
  });
});

describe('tags (s3rver keeps them only through PUT ?tagging)', () => {
  it('PutObject x-amz-tagging, CopyObject COPY (default) and REPLACE, CreateMultipartUpload Tagging, x-amz-tagging-count', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'in', Key: 'tagged.jpg', Body: 'bytes', Tagging: 'album=trip%202019&rating=5' }));
    const tagsOf = async (bucket: string, key: string) => (await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet;
    expect(await tagsOf('in', 'tagged.jpg')).toEqual([{ Key: 'album', Value: 'trip 2019' }, { Key: 'rating', Value: '5' }]);
    expect((await client.send(new HeadObjectCommand({ Bucket: 'in', Key: 'tagged.jpg' }))).TagCount).toBe(2);

    await client.send(new CopyObjectCommand({ Bucket: 'out', Key: 'copied.jpg', CopySource: 'in/tagged.jpg' }));
    expect(await tagsOf('out', 'copied.jpg')).toEqual([{ Key: 'album', Value: 'trip 2019' }, { Key: 'rating', Value: '5' }]);
    await client.send(new CopyObjectCommand({ Bucket: 'out', Key: 'replaced.jpg', CopySource: 'in/tagged.jpg', TaggingDirective: 'REPLACE', Tagging: 'a=b' }));
    expect(await tagsOf('out', 'replaced.jpg')).toEqual([{ Key: 'a', Value: 'b' }]);

    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'out', Key: 'big.mov', Tagging: 'album=trip%202019' }));
    const part = await client.send(new UploadPartCommand({ Bucket: 'out', Key: 'big.mov', UploadId, PartNumber: 1, Body: 'bytes' }));
    await client.send(new CompleteMultipartUploadCommand({ Bucket: 'out', Key: 'big.mov', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    expect(await tagsOf('out', 'big.mov')).toEqual([{ Key: 'album', Value: 'trip 2019' }]);
    // Without Tagging, a multipart upload has none (the organizer's bug this stand-in exposes).
    const bare = await client.send(new CreateMultipartUploadCommand({ Bucket: 'out', Key: 'bare.mov' }));
    const barePart = await client.send(new UploadPartCommand({ Bucket: 'out', Key: 'bare.mov', UploadId: bare.UploadId, PartNumber: 1, Body: 'bytes' }));
    await client.send(new CompleteMultipartUploadCommand({ Bucket: 'out', Key: 'bare.mov', UploadId: bare.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: barePart.ETag }] } }));
    expect(await tagsOf('out', 'bare.mov')).toEqual([]);
  });
});
