import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { encodeEventKey, type LocalPipeline, makeLargeJpeg, startLocalPipeline } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built bundle (dist/lambda/index.mjs) runs under the real Lambda runtime interface client,
// fed by the local S3 server's real ObjectCreated events: nothing here is mocked.
const fixturesDir = fileURLToPath(new URL('../../../test-fixtures/', import.meta.url));
interface Fixture {
  readonly file: string;
  readonly key: string | null;
  readonly dateSource: string;
  readonly skipped?: string;
}
const fixtures = JSON.parse(await readFile(path.join(fixturesDir, 'expected.json'), 'utf8')) as Fixture[];
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const MiB = 1024 * 1024;

async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

async function bytesOf(client: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToByteArray();
}

function recordFor(bucket: string, key: string) {
  return { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key: encodeEventKey(key) } } };
}

function startWebhook(status: number): Promise<{ server: Server; url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(body));
      response.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret`, bodies })),
  );
}

describe('the function, run as Lambda runs it, on real S3 events', () => {
  let pipeline: LocalPipeline;
  let client: S3Client;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'organizer-it-'));
    webhook = await startWebhook(204);
    pipeline = await startLocalPipeline({
      sourceBucket: 'uploads',
      destinationBucket: 'library',
      environment: {
        DESTINATION_PREFIX: 'photos/',
        SIDECAR: 'true',
        WEBHOOK_URL: webhook.url,
        MULTIPART_THRESHOLD_BYTES: String(10 * MiB),
        MULTIPART_PART_SIZE_BYTES: String(5 * MiB),
      },
    });
    client = pipeline.s3.client();
    for (const fixture of fixtures) {
      const body = await readFile(path.join(fixturesDir, fixture.file));
      await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: `camera/${path.basename(fixture.file)}`, Body: body, ContentType: 'image/jpeg' }));
    }
    await pipeline.idle();
  });

  afterAll(async () => {
    await pipeline?.stop();
    webhook?.server.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('files every fixture under the key expected.json gives, with identical bytes and the decision as metadata', async () => {
    expect(pipeline.failures).toEqual([]);
    const organized = await listKeys(client, 'library', 'photos/');
    const expectedKeys = fixtures.filter((fixture) => fixture.key !== null).map((fixture) => `photos/${fixture.key}`);
    expect(organized.filter((key) => !key.endsWith('.json'))).toEqual([...expectedKeys].sort());
    for (const fixture of fixtures.filter((item) => item.key !== null)) {
      const key = `photos/${fixture.key}`;
      const local = await readFile(path.join(fixturesDir, fixture.file));
      expect(md5(await bytesOf(client, 'library', key)), key).toBe(md5(local));
      const head = await client.send(new HeadObjectCommand({ Bucket: 'library', Key: key }));
      expect(head.ContentType).toBe('image/jpeg');
      expect(head.Metadata?.['date-source'], key).toBe(fixture.dateSource);
      expect(decodeURIComponent(head.Metadata?.['source-key'] ?? ''), key).toBe(`camera/${path.basename(fixture.file)}`);
    }
  });

  it('leaves a file that is not a photo where it is and logs why', () => {
    const skippedLine = pipeline.runtime.logs.find((log) => log.line.includes('"skipped"') && log.line.includes('notes.txt'));
    expect(skippedLine?.line).toMatch(/"reason":"unsupported-file-type"/);
  });

  it('writes a JSON sidecar beside each copy', async () => {
    const sidecar = JSON.parse(Buffer.from(await bytesOf(client, 'library', 'photos/2019-07-15/jpeg-dto-offset.jpg.json')).toString('utf8'));
    expect(sidecar).toMatchObject({
      captureDate: '2019-07-15T00:45:10+02:00',
      dateSource: 'DateTimeOriginal',
      source: { bucket: 'uploads', key: 'camera/jpeg-dto-offset.jpg' },
    });
  });

  it('logs one JSON line per object with bytes fetched and requests', () => {
    const line = pipeline.runtime.logs.map((log) => log.line).find((text) => text.includes('"organized"') && text.includes('mp4-moov-at-end'));
    const entry = JSON.parse(line!.slice(line!.indexOf('{')));
    expect(entry).toMatchObject({ status: 'organized', dateSource: 'QuickTimeUTC', target: 's3://library/photos/2021-06-30/mp4-moov-at-end.mp4' });
    // A 2 KB fixture is read whole; that only large files cost a fraction is the large-object test's claim.
    expect(entry.bytesFetched).toBeGreaterThan(0);
    expect(entry.bytesFetched).toBeLessThanOrEqual(entry.size);
    expect(entry.requests).toBeGreaterThanOrEqual(1);
  });

  it('puts the invocation\'s AWS request id on every object line', () => {
    // The runtime tags each line with the invocation it printed during; our field must agree.
    const objectLines = pipeline.runtime.logs.filter((log) => /"message":"(organized|skipped)"/.test(log.line));
    expect(objectLines.length).toBeGreaterThan(5);
    for (const log of objectLines) {
      const entry = JSON.parse(log.line.slice(log.line.indexOf('{')));
      expect(entry.requestId, log.line).toBe(log.requestId);
      expect(pipeline.invocations.map((invocation) => invocation.requestId)).toContain(entry.requestId);
    }
  });

  it('pings the webhook after organizing, without the secret in the logs', () => {
    expect(webhook.bodies.length).toBeGreaterThan(0);
    expect(webhook.bodies[0]).toMatchObject({ event: 'photos.organized' });
    expect(pipeline.runtime.logs.some((log) => log.line.includes('/hook/secret'))).toBe(false);
  });

  it('a repeated event makes no second copy', async () => {
    const before = await listKeys(client, 'library', 'photos/2019-07-15/');
    const result = await pipeline.invoke({ Records: [recordFor('uploads', 'camera/jpeg-dto-offset.jpg'), recordFor('uploads', 'camera/jpeg-dto-offset.jpg')] });
    expect(result.error).toBeUndefined();
    expect(await listKeys(client, 'library', 'photos/2019-07-15/')).toEqual(before);
  });

  it('a different photo with the same name on the same day is kept as name-1', async () => {
    const original = await readFile(path.join(fixturesDir, 'media/jpeg-dto-no-offset.jpg'));
    const altered = Buffer.concat([original, Buffer.from('different bytes after EOI')]);
    await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'phone/jpeg-dto-no-offset.jpg', Body: altered }));
    await pipeline.idle();
    expect(await listKeys(client, 'library', 'photos/2018-12-31/')).toEqual([
      'photos/2018-12-31/jpeg-dto-no-offset-1.jpg',
      'photos/2018-12-31/jpeg-dto-no-offset-1.jpg.json',
      'photos/2018-12-31/jpeg-dto-no-offset.jpg',
      'photos/2018-12-31/jpeg-dto-no-offset.jpg.json',
    ]);
    expect(md5(await bytesOf(client, 'library', 'photos/2018-12-31/jpeg-dto-no-offset-1.jpg'))).toBe(md5(altered));
    expect(md5(await bytesOf(client, 'library', 'photos/2018-12-31/jpeg-dto-no-offset.jpg'))).toBe(md5(original));
  });

  it('copies a large object with UploadPartCopy, byte for byte', async () => {
    const file = path.join(scratch, 'big.jpg');
    await makeLargeJpeg(file, 12 * MiB + 3);
    const body = await readFile(file);
    await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'camera/big.jpg', Body: body }));
    await pipeline.idle();
    const organizedLine = pipeline.runtime.logs.map((log) => log.line).find((text) => text.includes('"organized"') && text.includes('big.jpg'));
    const entry = JSON.parse(organizedLine!.slice(organizedLine!.indexOf('{')));
    expect(md5(await bytesOf(client, 'library', entry.targetKey))).toBe(md5(body));
    expect(entry.bytesFetched).toBeLessThan(MiB);
  });

  it('skips an object deleted before it could be processed', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'library', Key: 'tmp.jpg', Body: 'x' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'library', Key: 'tmp.jpg' }));
    const result = await pipeline.invoke({ Records: [recordFor('uploads', 'camera/gone.jpg')] });
    expect(result.error).toBeUndefined();
    expect(result.result).toEqual({ organized: 0, skipped: 1 });
    expect(result.logs.join('\n')).toMatch(/"reason":"object-gone"/);
  });

  it('answers S3 Batch Operations with a result per task', async () => {
    const result = await pipeline.invoke({
      invocationSchemaVersion: '2.0',
      invocationId: 'invocation-1',
      job: { id: 'job-1', userArguments: {} },
      tasks: [
        { taskId: 'ok', s3Key: encodeEventKey('camera/tiff-dto.tif'), s3VersionId: null, s3Bucket: 'uploads' },
        { taskId: 'gone', s3Key: 'camera/missing.jpg', s3VersionId: null, s3Bucket: 'uploads' },
      ],
    });
    expect(result.result).toEqual({
      invocationSchemaVersion: '2.0',
      treatMissingKeysAs: 'PermanentFailure',
      invocationId: 'invocation-1',
      results: [
        { taskId: 'ok', resultCode: 'Succeeded', resultString: 's3://library/photos/2016-08-20/tiff-dto.tif' },
        { taskId: 'gone', resultCode: 'PermanentFailure', resultString: 'skipped: object-gone: deleted before it could be organized' },
      ],
    });
  });

  it('ignores a malformed event instead of failing forever', async () => {
    const result = await pipeline.invoke({ hello: 'world' });
    expect(result.error).toBeUndefined();
    expect(result.result).toMatchObject({ ignored: true });
  });
});

describe('same-bucket mode with move, a misconfigured trigger and a webhook that is down', () => {
  let pipeline: LocalPipeline;
  let client: S3Client;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;

  beforeAll(async () => {
    webhook = await startWebhook(503);
    pipeline = await startLocalPipeline({
      sourceBucket: 'album',
      destinationBucket: 'album',
      // No filter: every ObjectCreated of the bucket reaches the function, its own copies included.
      environment: { SOURCE_PREFIX: 'incoming/', DESTINATION_PREFIX: 'photos/', MOVE: 'true', WEBHOOK_URL: webhook.url },
    });
    client = pipeline.s3.client();
  });

  afterAll(async () => {
    await pipeline?.stop();
    webhook?.server.close();
  });

  it('moves the upload, never loops, and a failing webhook does not undo anything', async () => {
    const body = await readFile(path.join(fixturesDir, 'media/jpeg-dto-offset.jpg'));
    await client.send(new PutObjectCommand({ Bucket: 'album', Key: 'incoming/holiday pics/jpeg-dto-offset.jpg', Body: body }));
    await pipeline.idle();

    // Move mode records where the file went (issue 18: a companion arriving later finds it there).
    expect(await listKeys(client, 'album')).toEqual([
      'photos/.photo-organizer/moved/album/incoming/holiday pics/jpeg-dto-offset.jpg.moved',
      'photos/2019-07-15/jpeg-dto-offset.jpg',
    ]);
    expect(md5(await bytesOf(client, 'album', 'photos/2019-07-15/jpeg-dto-offset.jpg'))).toBe(md5(body));
    // One invocation for the upload, one each for the copy's and the pointer's own events (skipped), none after.
    expect(pipeline.invocations).toHaveLength(3);
    expect(pipeline.runtime.logs.some((log) => log.line.includes('"reason":"own-output"'))).toBe(true);
    expect(pipeline.failures).toEqual([]);
    expect(webhook.bodies.length).toBe(4); // 1 attempt + 3 retries, then given up
    expect(pipeline.runtime.logs.some((log) => log.line.includes('webhook failed; photos stay organized'))).toBe(true);
  });
});

describe('invalid configuration', () => {
  it('fails every invocation with all problems listed, so the event is retried and kept', async () => {
    const pipeline = await startLocalPipeline({
      sourceBucket: 'in',
      destinationBucket: 'out',
      environment: { DEFAULT_TIME_ZONE: 'Europe/Atlantis', KEY_TEMPLATE: '{yyyy}/{nam}', READ_MODE: 'fast' },
    });
    try {
      const result = await pipeline.invoke({ Records: [recordFor('in', 'a.jpg')] });
      expect(result.error?.errorType).toBe('ConfigurationError');
      expect(result.error?.errorMessage).toMatch(/Europe\/Atlantis/);
      expect(result.error?.errorMessage).toMatch(/unknown placeholder \{nam\}/);
      expect(result.error?.errorMessage).toMatch(/READ_MODE must be one of random-access, stream; got "fast"/);
    } finally {
      await pipeline.stop();
    }
  });
});
