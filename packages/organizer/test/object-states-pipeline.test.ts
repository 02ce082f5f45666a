import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { encodeEventKey, type LocalPipeline, type LocalS3, makeLargeJpeg, startLocalPipeline, startLocalS3 } from '@photo-organizer/test-kit';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 21, one local-pipeline case per object state: the built bundle under the real Lambda
// runtime client, on the local S3 server's real events. What s3rver cannot produce (archive tiers,
// SSE-C, KMS denial, legal hold, tags on copies) is answered by test-kit's stand-ins, as AWS
// documents it (packages/test-kit/src/object-state-stand-ins.ts cites the pages).
const media = fileURLToPath(new URL('../../../test-fixtures/media/', import.meta.url));
const MiB = 1024 * 1024;
const DENIED_KMS_KEY = 'arn:aws:kms:us-east-1:000000000000:key/not-granted';
const dated = await readFile(path.join(media, 'jpeg-dto-offset.jpg')); // taken 2019-07-15

let s3: LocalS3;
let client: S3Client;
let copyMode: LocalPipeline;
let moveMode: LocalPipeline;
let scratch: string;
const heldPlaceholders: S3Event[] = [];

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!).sort();
}
const put = (bucket: string, key: string, body: Uint8Array | string, extra: Record<string, unknown> = {}) =>
  client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'image/jpeg', ...extra }));
/** The function's JSON log lines about one source object. */
function logLinesAbout(pipeline: LocalPipeline, source: string): Record<string, unknown>[] {
  return pipeline.runtime.logs
    .map((log) => log.line)
    .filter((line) => line.includes(source))
    .flatMap((line) => {
      try {
        return [JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
/** Invocations whose event named this key (Lambda's retries included). */
const attemptsFor = (pipeline: LocalPipeline, key: string) =>
  pipeline.invocations.filter((invocation) => JSON.stringify(invocation).includes(encodeEventKey(key))).length;
async function batch(pipeline: LocalPipeline, bucket: string, key: string) {
  const result = await pipeline.invoke({
    invocationSchemaVersion: '2.0',
    invocationId: `invocation-${key}`,
    job: { id: 'job-1', userArguments: {} },
    tasks: [{ taskId: 'task', s3Key: encodeEventKey(key), s3VersionId: null, s3Bucket: bucket }],
  });
  return (result.result as { results: { resultCode: string; resultString: string }[] }).results[0]!;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'object-states-'));
  // Object Lock headers as AWS shows them to a role with s3:GetObjectLegalHold / s3:GetObjectRetention.
  s3 = await startLocalS3({ buckets: ['uploads', 'library', 'inbox', 'vault', 'cold'], objectStates: { deniedKmsKeyIds: [DENIED_KMS_KEY], showObjectLockHeaders: true } });
  client = s3.client();
  copyMode = await startLocalPipeline({
    s3,
    sourceBucket: 'uploads',
    destinationBucket: 'library',
    environment: {
      DESTINATION_PREFIX: 'photos/',
      KEY_TEMPLATE: '{yyyy}/{mm}/{dir}/{name}',
      MULTIPART_THRESHOLD_BYTES: String(6 * MiB),
      MULTIPART_PART_SIZE_BYTES: String(5 * MiB),
    },
    // The placeholder of the "late" case reaches the function only after the real upload.
    deliver: (event) => {
      const object = event.Records[0]!.s3.object;
      if (object.key.startsWith('late/') && object.size === 0) {
        heldPlaceholders.push(event);
        return [];
      }
      return [event];
    },
  });
  moveMode = await startLocalPipeline({
    s3,
    sourceBucket: 'inbox',
    destinationBucket: 'vault',
    environment: { MOVE: 'true', STORAGE_CLASS: 'INTELLIGENT_TIERING', DESTINATION_PREFIX: 'photos/', RESTORE_TIER: 'Bulk' },
  });
});

afterAll(async () => {
  await copyMode?.stop();
  await moveMode?.stop();
  await s3?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('names and placeholders', () => {
  it('files NFC and NFD names of the same bytes as one photo, under the NFC name', async () => {
    const nfc = 'trip/Caf\u00e9.jpg';
    const nfd = 'trip/Cafe\u0301.jpg';
    await put('uploads', nfc, dated);
    await put('uploads', nfd, dated);
    await copyMode.idle();
    expect(copyMode.failures).toEqual([]);
    expect(await keysUnder('library', 'photos/2019/07/trip/')).toEqual([`photos/2019/07/${nfc}`]);
  });

  it('skips a 0-byte placeholder and files the real bytes, placeholder event first', async () => {
    await put('uploads', 'early/IMG_0001.jpg', '');
    await copyMode.idle();
    await put('uploads', 'early/IMG_0001.jpg', dated);
    await copyMode.idle();
    expect(copyMode.failures).toEqual([]);
    expect(await keysUnder('library', 'photos/')).toContain('photos/2019/07/early/IMG_0001.jpg');
    expect((await keysUnder('library', 'photos/undated/')).filter((key) => key.includes('early'))).toEqual([]);
    expect(logLinesAbout(copyMode, 's3://uploads/early/IMG_0001.jpg').find((line) => line.reason === 'empty-object')?.detail).toMatch(/^empty \(0 bytes\)/);
  });

  it('files only the real photo when the placeholder event arrives after the real upload', async () => {
    await put('uploads', 'late/IMG_0002.jpg', '');
    await put('uploads', 'late/IMG_0002.jpg', dated);
    await copyMode.idle();
    expect(heldPlaceholders).toHaveLength(1);
    const late = await copyMode.invoke(heldPlaceholders[0]);
    expect(late.error).toBeUndefined();
    expect((await keysUnder('library', 'photos/')).filter((key) => key.includes('IMG_0002'))).toEqual(['photos/2019/07/late/IMG_0002.jpg']);
  });

  it('shortens a 990-byte source folder under {dir} with a hash so the key fits', async () => {
    const folder = `${'trip-2019/'.repeat(98)}album-2019`;
    expect(Buffer.byteLength(folder)).toBe(990);
    await put('uploads', `${folder}/IMG_0003.jpg`, dated);
    await copyMode.idle();
    expect(copyMode.failures).toEqual([]);
    const [key, ...others] = (await keysUnder('library', 'photos/2019/07/trip-2019/')).filter((candidate) => candidate.endsWith('IMG_0003.jpg'));
    expect(others).toEqual([]);
    expect(key).toMatch(/~[0-9a-f]{12}\/IMG_0003\.jpg$/);
    expect(Buffer.byteLength(key!)).toBeLessThanOrEqual(1024);
  });
});

describe('what every copy carries', () => {
  it('keeps the tags of a tagged object above the multipart threshold, and of a small one', async () => {
    const large = await makeLargeJpeg(path.join(scratch, 'large.jpg'), 12 * MiB + 3);
    await put('uploads', 'tagged/large.jpg', await readFile(large.path), { Tagging: 'album=trip%202019&rating=5' });
    await put('uploads', 'tagged/small.jpg', dated, { Tagging: 'album=trip%202019' });
    await copyMode.idle();
    expect(copyMode.failures).toEqual([]);
    const [largeCopy] = (await keysUnder('library', 'photos/')).filter((key) => key.endsWith('tagged/large.jpg'));
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: 'library', Key: largeCopy! }));
    expect(tags.TagSet).toEqual([{ Key: 'album', Value: 'trip 2019' }, { Key: 'rating', Value: '5' }]);
    const smallTags = await client.send(new GetObjectTaggingCommand({ Bucket: 'library', Key: 'photos/2019/07/tagged/small.jpg' }));
    expect(smallTags.TagSet).toEqual([{ Key: 'album', Value: 'trip 2019' }]);
  });

  it('stores a STANDARD_IA upload as STANDARD_IA (the source class), or as the configured class', async () => {
    await put('uploads', 'ia/IMG_0004.jpg', dated, { StorageClass: 'STANDARD_IA' });
    await put('inbox', 'ia/IMG_0004.jpg', dated, { StorageClass: 'STANDARD_IA' });
    await copyMode.idle();
    await moveMode.idle();
    const followed = await client.send(new HeadObjectCommand({ Bucket: 'library', Key: 'photos/2019/07/ia/IMG_0004.jpg' }));
    expect(followed.StorageClass).toBe('STANDARD_IA');
    const configured = await client.send(new HeadObjectCommand({ Bucket: 'vault', Key: 'photos/2019-07-15/IMG_0004.jpg' }));
    expect(configured.StorageClass).toBe('INTELLIGENT_TIERING');
  });
});

describe('states a retry cannot fix: one attempt, the reason in the log and in the Batch Operations result', () => {
  it.each([
    ['DEEP_ARCHIVE', 'archive/IMG_0005.jpg', { StorageClass: 'DEEP_ARCHIVE' }, 'archived', 'archived (DEEP_ARCHIVE): restore it first, then re-run backfill'],
    ['SSE-C', 'ssec/IMG_0006.jpg', { SSECustomerAlgorithm: 'AES256', SSECustomerKey: randomBytes(32).toString('base64') }, 'encrypted-customer-key', 'encrypted with a customer key (SSE-C): cannot be read'],
    ['KMS key not granted', 'kms/IMG_0007.jpg', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: DENIED_KMS_KEY }, 'kms-key-not-granted', 'KMS key not granted (kms:Decrypt): add it to `kms_key_arns`'],
  ])('%s', async (_state, key, extra, reason, detail) => {
    await put('uploads', key, dated, extra);
    await copyMode.idle();
    expect(copyMode.failures).toEqual([]);
    expect(attemptsFor(copyMode, key)).toBe(1);
    expect(s3.objectStates.refusals.filter((refusal) => refusal.key === key).length).toBeLessThanOrEqual(1);
    const skipped = logLinesAbout(copyMode, `s3://uploads/${key}`).find((line) => line.reason === reason);
    expect(skipped?.detail).toBe(detail);
    expect((await keysUnder('library', 'photos/')).filter((candidate) => candidate.endsWith(path.basename(key)))).toEqual([]);
    expect(await batch(copyMode, 'uploads', key)).toEqual({ taskId: 'task', resultCode: 'PermanentFailure', resultString: `skipped: ${reason}: ${detail}` });
  });

  it('legal hold in move mode: organized, the source kept, said once', async () => {
    const key = 'held/IMG_0008.jpg';
    await put('inbox', key, dated, { ObjectLockLegalHoldStatus: 'ON' });
    await moveMode.idle();
    expect(moveMode.failures).toEqual([]);
    expect(attemptsFor(moveMode, key)).toBe(1);
    // Decided from the first response: no delete is even tried (a versionless one would hide the source behind a delete marker).
    expect(s3.objectStates.refusals.filter((refusal) => refusal.key === key)).toEqual([]);
    expect(await keysUnder('inbox', 'held/')).toEqual([key]);
    expect(await keysUnder('vault', 'photos/2019-07-15/')).toContain('photos/2019-07-15/IMG_0008.jpg');
    const organized = logLinesAbout(moveMode, `s3://inbox/${key}`).find((line) => line.status === 'organized');
    expect(organized).toMatchObject({ moved: false, sourceKept: 'under legal hold' });
    expect(await batch(moveMode, 'inbox', key)).toEqual({
      taskId: 'task',
      resultCode: 'Succeeded',
      resultString: 's3://vault/photos/2019-07-15/IMG_0008.jpg (source kept: under legal hold)',
    });
  });
});

describe('RESTORE_TIER: archived objects are restored, then organized by the restore-completed event', () => {
  it('asks for a Bulk restore once, says so, and organizes the object when s3:ObjectRestore:Completed arrives', async () => {
    const key = 'vault-archive/IMG_0009.jpg';
    await put('inbox', key, dated, { StorageClass: 'DEEP_ARCHIVE' });
    await moveMode.idle();
    expect(moveMode.failures).toEqual([]);
    expect(s3.objectStates.restoreRequests.filter((request) => request.key === key)).toEqual([{ bucket: 'inbox', key, tier: 'Bulk', days: 1 }]);
    const requested = logLinesAbout(moveMode, `s3://inbox/${key}`).find((line) => line.reason === 'archived');
    expect(requested?.detail).toBe('archived (DEEP_ARCHIVE): restore requested (Bulk tier); it is organized when the restore completes');

    // A repeated event while the restore runs asks for nothing more.
    const record = (eventName: string) => ({ Records: [{ eventSource: 'aws:s3', eventName, s3: { bucket: { name: 'inbox' }, object: { key: encodeEventKey(key) } } }] });
    const again = await moveMode.invoke(record('ObjectCreated:Put'));
    expect(again.logs.join('\n')).toContain('a restore is in progress; it is organized when the restore completes');
    expect(s3.objectStates.restoreRequests.filter((request) => request.key === key)).toHaveLength(1);

    s3.objectStates.completeRestore('inbox', key);
    const restored = await moveMode.invoke(record('ObjectRestore:Completed'));
    expect(restored.error).toBeUndefined();
    expect(restored.result).toEqual({ organized: 1, skipped: 0 });
    expect(await keysUnder('vault', 'photos/2019-07-15/')).toContain('photos/2019-07-15/IMG_0009.jpg');
    expect(await keysUnder('inbox', 'vault-archive/')).toEqual([]);
  });

  it('restores an Intelligent-Tiering Deep Archive Access object without Days, then organizes it', async () => {
    // 'cold' has no trigger: the object reaches its archive tier before the function hears of it.
    const key = 'tiered/IMG_0010.jpg';
    await put('cold', key, dated, { StorageClass: 'INTELLIGENT_TIERING' });
    s3.objectStates.archiveIntelligentTiering('cold', key, 'DEEP_ARCHIVE_ACCESS');
    const record = (eventName: string) => ({ Records: [{ eventSource: 'aws:s3', eventName, s3: { bucket: { name: 'cold' }, object: { key: encodeEventKey(key) } } }] });
    const first = await moveMode.invoke(record('ObjectCreated:Put'));
    expect(first.logs.join('\n')).toContain('archived (INTELLIGENT_TIERING DEEP_ARCHIVE_ACCESS): restore requested (Bulk tier); it is organized when the restore completes');
    expect(s3.objectStates.restoreRequests.filter((request) => request.key === key)).toEqual([{ bucket: 'cold', key, tier: 'Bulk', days: undefined }]);
    s3.objectStates.completeRestore('cold', key);
    const restored = await moveMode.invoke(record('ObjectRestore:Completed'));
    expect(restored.result).toEqual({ organized: 1, skipped: 0 });
    expect(await keysUnder('vault', 'photos/2019-07-15/')).toContain('photos/2019-07-15/IMG_0010.jpg');
  });
});
