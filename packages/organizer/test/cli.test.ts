import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  LOCAL_S3_CREDENTIALS,
  type LocalPipeline,
  type LambdaInvokeEndpoint,
  type LocalS3,
  startLambdaInvokeEndpoint,
  startLocalPipeline,
  startLocalS3,
} from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeysFile } from '../src/cli/keys-file.js';

// The built CLI (dist/cli.js) as a user runs it, against the local S3 server.
const cli = fileURLToPath(new URL('../bin/photo-organizer.mjs', import.meta.url));
const media = fileURLToPath(new URL('../../../test-fixtures/media/', import.meta.url));
const run = promisify(execFile);

async function photoOrganizer(args: string[], s3: LocalS3) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function keys(client: S3Client, bucket: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).map((object) => object.Key!).sort();
}

describe('photo-organizer plan', () => {
  it('prints the expected key, date and dateSource of every fixture, one JSON line each', async () => {
    const expected = JSON.parse(await readFile(path.join(media, '../expected.json'), 'utf8')) as {
      file: string;
      key: string | null;
      captureDate: string | null;
      dateSource: string;
    }[];
    const files = expected.map((fixture) => path.join(media, '..', fixture.file));
    const { stdout, code } = await photoOrganizerPlain(['plan', '--json', ...files]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; key: string | null; captureDate: string | null; dateSource: string });
    expect(lines.map(({ file, key, captureDate }) => ({ file: path.relative(path.join(media, '..'), file), key, captureDate }))).toEqual(
      expected.map(({ file, key, captureDate }) => ({ file, key, captureDate })),
    );
    expect(lines.filter((line) => line.key !== null).map((line) => line.dateSource)).toEqual(
      expected.filter((fixture) => fixture.key !== null).map((fixture) => fixture.dateSource),
    );
  });
});

async function photoOrganizerPlain(args: string[]) {
  try {
    const { stdout } = await run(process.execPath, [cli, ...args], { timeout: 60_000 });
    return { code: 0, stdout };
  } catch (error) {
    return { code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout };
  }
}

describe('photo-organizer organize', () => {
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['old-photos', 'library'] });
    client = s3.client();
    for (const name of await readdir(media)) {
      await client.send(new PutObjectCommand({ Bucket: 'old-photos', Key: `2019 trip/${name}`, Body: await readFile(path.join(media, name)) }));
    }
    await client.send(new PutObjectCommand({ Bucket: 'old-photos', Key: 'elsewhere/jpeg-dto-offset.jpg', Body: await readFile(path.join(media, 'jpeg-dto-offset.jpg')) }));
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('a dry run prints the plan and writes nothing', async () => {
    const result = await photoOrganizer(['organize', 's3://old-photos/2019 trip/', '--to', 's3://library/sorted', '--endpoint', s3.endpoint, '--dry-run', '--json'], s3);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const planned = lines.filter((line) => line.status === 'organized');
    expect(planned.map((line) => line.targetKey)).toContain('sorted/2019-07-15/jpeg-dto-offset.jpg');
    expect(lines.at(-1).summary).toMatchObject({ listed: 22, copied: 0, planned: 20, skipped: 2, failed: 0 });
    expect(await keys(client, 'library')).toEqual([]);
  });

  it('a dry run says what would happen, in words that cannot be read as done', async () => {
    const result = await photoOrganizer(['organize', 's3://old-photos/2019 trip/', '--to', 's3://library/sorted', '--endpoint', s3.endpoint, '--dry-run'], s3);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dry run, nothing was written: 22 objects in [\d.]+ s: 20 would be copied, 2 would be skipped \(left in place\), 0 failed$/m);
    // Not a terminal here: one plain progress line per object on stderr.
    expect(result.stderr).toMatch(/^\[\d+\/22\] 2019 trip\/jpeg-dto-offset\.jpg would go to sorted\/2019-07-15\/jpeg-dto-offset\.jpg \(DateTimeOriginal\)$/m);
    expect(result.stderr).toMatch(/^\[\d+\/22\] would skip 2019 trip\/notes\.txt/m);
    expect(result.stderr).not.toMatch(/already/);
    expect(await keys(client, 'library')).toEqual([]);
  });

  it('organizes a prefix of mixed files, then a second run copies nothing', async () => {
    const first = await photoOrganizer(['organize', 's3://old-photos/2019 trip/', '--to', 's3://library/sorted', '--endpoint', s3.endpoint, '--concurrency', '3'], s3);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/22 objects in [\d.]+ s: 20 copied, 0 already there \(identical, not copied again\), 2 skipped \(left in place\), 0 failed/);
    const afterFirst = await keys(client, 'library');
    expect(afterFirst).toContain('sorted/2019-05-26/mov-apple-creationdate.mov');
    // The 0-byte placeholder is skipped (empty-object), never copied.
    expect(afterFirst).not.toContain('sorted/undated/empty.jpg');
    expect(afterFirst.every((key) => key.startsWith('sorted/'))).toBe(true);
    expect(afterFirst).toHaveLength(20);

    const second = await photoOrganizer(['organize', 's3://old-photos/2019 trip/', '--to', 's3://library/sorted', '--endpoint', s3.endpoint, '--json'], s3);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!).summary).toMatchObject({ copied: 0, alreadyOrganized: 20, skipped: 2 });
    expect(await keys(client, 'library')).toEqual(afterFirst);
  });

  it('explains usage errors with exit code 2', async () => {
    const missingTo = await photoOrganizer(['organize', 's3://old-photos'], s3);
    expect(missingTo).toMatchObject({ code: 2 });
    expect(missingTo.stderr).toMatch(/needs --to s3:\/\/DEST/);
    const badUrl = await photoOrganizer(['organize', 'old-photos', '--to', 's3://library'], s3);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/must look like s3:\/\/bucket/);
    const help = await photoOrganizer(['organize', '--help'], s3);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--dry-run/);
    expect(help.stdout).toMatch(/--time-zone Z +IANA zone .*\(default UTC\)/);
  });

  it('names the flag the user typed when a setting is wrong, and every wrong one at once', async () => {
    const result = await photoOrganizer(['organize', 's3://old-photos', '--to', 's3://library', '--time-zone', 'Europe/Parris', '--template', '{yyyy}/{foo}/{name}'], s3);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--time-zone must be an IANA time zone such as Europe/Berlin, or UTC; got "Europe/Parris"');
    expect(result.stderr).toContain('--template unknown placeholder {foo}');
    expect(result.stderr).not.toMatch(/DEFAULT_TIME_ZONE|KEY_TEMPLATE/);
  });
});

describe('photo-organizer invoke', () => {
  // The Lambda service cannot run here: a local endpoint speaking the Invoke API runs the built
  // function under the real runtime interface client instead (test-kit's lambda-invoke-endpoint).
  let pipeline: LocalPipeline;
  let endpoint: LambdaInvokeEndpoint;
  let client: S3Client;
  let folder: string | undefined;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'invoke-keys-'));
    pipeline = await startLocalPipeline({ sourceBucket: 'existing', destinationBucket: 'organized', filter: () => false });
    endpoint = await startLambdaInvokeEndpoint({ functions: { 'photo-organizer': pipeline.runtime } });
    client = pipeline.s3.client();
    for (const name of ['jpeg-dto-offset.jpg', 'tiff-dto.tif', 'mp4-moov-at-end.mp4']) {
      await client.send(new PutObjectCommand({ Bucket: 'existing', Key: `backup/${name}`, Body: await readFile(path.join(media, name)) }));
    }
  });
  afterAll(async () => {
    await endpoint?.stop();
    await pipeline?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('a dry run sends nothing', async () => {
    const result = await photoOrganizer(
      ['invoke', 's3://existing/backup/', '--function', 'photo-organizer', '--endpoint', pipeline.s3.endpoint, '--lambda-endpoint', endpoint.endpoint, '--dry-run'],
      pipeline.s3,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/dry run, nothing was sent: 3 objects would go to photo-organizer in 1 invocation$/m);
    expect(endpoint.attempts).toHaveLength(0);
  });

  it('fans existing objects out as asynchronous invocations that the function organizes', async () => {
    const result = await photoOrganizer(
      ['invoke', 's3://existing/backup/', '--function', 'photo-organizer', '--endpoint', pipeline.s3.endpoint, '--lambda-endpoint', endpoint.endpoint, '--batch-size', '2'],
      pipeline.s3,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/3 objects in 2 invocations of photo-organizer \([\d.]+ s\), 0 failed/);
    await endpoint.idle();
    expect(endpoint.failures).toEqual([]);
    expect(await keys(client, 'organized')).toEqual([
      '2016-08-20/tiff-dto.tif',
      '2019-07-15/jpeg-dto-offset.jpg',
      '2021-06-30/mp4-moov-at-end.mp4',
    ]);
  });

  it('names an unknown function clearly', async () => {
    const result = await photoOrganizer(
      ['invoke', 's3://existing/backup/', '--function', 'nope', '--endpoint', pipeline.s3.endpoint, '--lambda-endpoint', endpoint.endpoint, '--json'],
      pipeline.s3,
    );
    // A set-up mistake: one line with the fix and exit code 2, not one failure per batch.
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^photo-organizer: not found while invoking nope \(ResourceNotFoundException\): check --function and AWS_REGION$/);
  });
  // `backfill status` writes a job's failed objects with formatKeysFile; `invoke --keys-from` sends them again.
  // The keys hold a space, a '+' and a literal '%20': taken as written, never URL-decoded.
  const retried = [
    { key: 'retry/IMG 0001+edit.jpg', fixture: 'jpeg-dto-offset.jpg', organized: '2019-07-15/IMG 0001+edit.jpg' },
    { key: 'retry/scan%20.tif', fixture: 'tiff-dto.tif', organized: '2016-08-20/scan%20.tif' },
    { key: 'retry/clip.mp4', fixture: 'mp4-moov-at-end.mp4', organized: '2021-06-30/clip.mp4' },
  ];

  it('--keys-from sends the objects a backfill keys file names, and only those, and the function organizes them', async () => {
    // Prepare: the three objects, one more under the same prefix that the file does not name, and the file.
    for (const object of retried) {
      await client.send(new PutObjectCommand({ Bucket: 'existing', Key: object.key, Body: await readFile(path.join(media, object.fixture)) }));
    }
    await client.send(new PutObjectCommand({ Bucket: 'existing', Key: 'retry/not-named.jpg', Body: await readFile(path.join(media, 'jpeg-dto-offset.jpg')) }));
    const keysFile = path.join(folder!, 'backfill-failed-job.txt');
    await writeFile(keysFile, `# retried after the fix\n\n${formatKeysFile(retried.map((object) => ({ bucket: 'existing', key: object.key })))}\n`);
    const flags = ['--function', 'photo-organizer', '--endpoint', pipeline.s3.endpoint, '--lambda-endpoint', endpoint.endpoint, '--batch-size', '2'];
    const attemptsBefore = endpoint.attempts.length;

    // Act: a dry run, then the real run.
    const dryRun = await photoOrganizer(['invoke', '--keys-from', keysFile, ...flags, '--dry-run', '--json'], pipeline.s3);
    const result = await photoOrganizer(['invoke', '--keys-from', keysFile, ...flags], pipeline.s3);
    await endpoint.idle();

    // Assess
    expect(dryRun.code).toBe(0);
    const planned = dryRun.stdout.trim().split('\n').map((line) => JSON.parse(line) as { keys?: string[]; summary?: unknown });
    expect(planned.flatMap((line) => line.keys ?? [])).toEqual(retried.map((object) => object.key));
    expect(planned.at(-1)!.summary).toMatchObject({ objects: 3, invocations: 0, planned: 2 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^3 objects in 2 invocations of photo-organizer \([\d.]+ s\), 0 failed$/m);
    expect(endpoint.attempts.length - attemptsBefore).toBe(2);
    expect(endpoint.failures).toEqual([]);
    const organized = await keys(client, 'organized');
    expect(organized).toEqual(expect.arrayContaining(retried.map((object) => object.organized)));
    expect(organized).not.toContain('2019-07-15/not-named.jpg');
  });

  it('--keys-from with a malformed line is a usage error naming the file and line, and invokes nothing', async () => {
    const keysFile = path.join(folder!, 'broken.txt');
    await writeFile(keysFile, `# comment\ns3://existing/retry/clip.mp4\nexisting/retry/IMG 0001+edit.jpg\n`);
    const attemptsBefore = endpoint.attempts.length;
    const flags = ['--function', 'photo-organizer', '--endpoint', pipeline.s3.endpoint, '--lambda-endpoint', endpoint.endpoint];

    const malformed = await photoOrganizer(['invoke', '--keys-from', keysFile, ...flags], pipeline.s3);
    const both = await photoOrganizer(['invoke', 's3://existing/retry/', '--keys-from', keysFile, ...flags], pipeline.s3);
    const missing = await photoOrganizer(['invoke', '--keys-from', path.join(folder!, 'no-such-file.txt'), ...flags], pipeline.s3);
    await endpoint.idle();

    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(`photo-organizer: ${keysFile}:3: expected s3://bucket/key, got "existing/retry/IMG 0001+edit.jpg"\n`);
    expect(malformed.stdout).toBe('');
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe('photo-organizer: invoke takes either s3://SRC[/prefix] or --keys-from FILE, not both; try photo-organizer invoke --help');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^photo-organizer: --keys-from: cannot read .*no-such-file\.txt \(ENOENT\)$/);
    expect(endpoint.attempts.length).toBe(attemptsBefore);
  });

  it('invoke --help and backfill --help tell how to retry the failed objects', async () => {
    const invokeHelp = await photoOrganizer(['invoke', '--help'], pipeline.s3);
    expect(invokeHelp.stdout).toMatch(/^photo-organizer invoke --keys-from FILE --function NAME \[options\]$/m);
    expect(invokeHelp.stdout).toMatch(/^ {2}--keys-from FILE {10}send the objects FILE names/m);
    const backfillHelp = await photoOrganizer(['backfill', '--help'], pipeline.s3);
    expect(backfillHelp.stdout).toContain('retry them with:\nphoto-organizer invoke --keys-from FILE --function NAME');
  });
});
