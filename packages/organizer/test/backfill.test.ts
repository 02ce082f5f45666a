// `photo-organizer backfill` end to end on loopback. S3 Batch Operations and the S3 Control API
// cannot run here: test-kit's stand-ins play them (labelled as such there), in front of the real
// pieces: the local S3 server, the built function bundle under the real Lambda runtime interface
// client, and the fault proxy between the function and S3.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { estimateBackfill, MEASURED_PER_OBJECT } from '@photo-organizer/backfill-model';
import {
  type FaultProxy,
  LOCAL_S3_CREDENTIALS,
  type LocalPipeline,
  type LocalS3,
  type S3ControlEndpoint,
  startFaultProxy,
  startLocalPipeline,
  startLocalS3,
  startS3ControlEndpoint,
} from '@photo-organizer/test-kit';
import pMap from 'p-map';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BackfillIo, backfillCommand } from '../src/cli/backfill-command.js';

const media = fileURLToPath(new URL('../../../test-fixtures/media/', import.meta.url));
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:photo-organizer';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/photo-organizer-batch-operations';

// The CLI's SDK clients find credentials and region where a user's would: the environment.
const savedEnvironment = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});
afterAll(() => {
  process.env = savedEnvironment;
});

function recordingIo(answer?: string, interactive = answer !== undefined): BackfillIo & { text: () => string; questions: string[] } {
  const chunks: string[] = [];
  const questions: string[] = [];
  return {
    out: (text) => chunks.push(text),
    interactive,
    ask: async (question) => {
      questions.push(question);
      return answer ?? '';
    },
    text: () => chunks.join(''),
    questions,
  };
}

async function listKeys(client: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) keys.push(...(page.Contents ?? []).map((object) => object.Key!));
  return keys.sort();
}

describe('backfill: the CreateJob request (S3 Control stand-in that records, runs nothing)', () => {
  let s3: LocalS3;
  let control: S3ControlEndpoint;
  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['photos', 'reports'] });
    const client = s3.client();
    for (const key of ['2019/a.jpg', '2019/b b.jpg', '2020/c.jpg']) await client.send(new PutObjectCommand({ Bucket: 'photos', Key: key, Body: 'x' }));
    control = await startS3ControlEndpoint();
  });
  afterAll(async () => {
    await control.stop();
    await s3.stop();
  });
  const baseArguments = () => ['--function', FUNCTION_ARN, '--role-arn', ROLE_ARN, '--report', 's3://reports/backfill', '--endpoint', s3.endpoint, '--s3-control-endpoint', control.endpoint];

  it('asks for a LambdaInvoke job with schema 2.0, the manifest generator filtered by prefix and date, and a full report', async () => {
    // Prepare
    const io = recordingIo();
    const before = control.requests.length;

    // Act
    const code = await backfillCommand(['s3://photos/2019/', ...baseArguments(), '--created-after', '2001-02-03T04:05:06Z', '--priority', '42', '--yes'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.text()).toMatch(/^2 objects \(0\.00 GB\) in s3:\/\/photos\/2019\/ created on or after 2001-02-03T04:05:06\.000Z\n/);
    // 2 objects: the estimate's arithmetic is backfill-model's (tested there); here its wiring.
    const model = estimateBackfill(MEASURED_PER_OBJECT, { objects: 2 });
    expect(io.text()).toMatch(new RegExp(`estimate: \\d+ s, up to 2 concurrent invocations \\(limit: ${model.limitingFactor}\\), ${Math.round(model.s3Requests.total)} S3 requests, \\$0\\.25 `));
    const [request] = control.requests.slice(before);
    expect(request).toMatchObject({ method: 'POST', path: '/v20180820/jobs' });
    expect(request!.headers['x-amz-account-id']).toBe('000000000000');
    const job = (request!.parsed as { CreateJobRequest: Record<string, unknown> }).CreateJobRequest;
    expect(job).toMatchObject({
      ConfirmationRequired: 'false',
      RoleArn: ROLE_ARN,
      Priority: '42',
      Operation: { LambdaInvoke: { FunctionArn: FUNCTION_ARN, InvocationSchemaVersion: '2.0' } },
      Report: { Bucket: 'arn:aws:s3:::reports', Prefix: 'backfill', Format: 'Report_CSV_20180820', Enabled: 'true', ReportScope: 'AllTasks' },
      ManifestGenerator: {
        S3JobManifestGenerator: {
          SourceBucket: 'arn:aws:s3:::photos',
          EnableManifestOutput: 'false',
          Filter: { CreatedAfter: '2001-02-03T04:05:06Z', KeyNameConstraint: { MatchAnyPrefix: [{ member: ['2019/'] }] } },
        },
      },
    });
    expect(job['ClientRequestToken']).toMatch(/^[0-9a-f-]{36}$/);
    expect(io.text()).toMatch(/job [0-9a-f-]{36} created; follow it with: photo-organizer backfill status [0-9a-f-]{36} --account-id 000000000000\n$/);
  });

  it('refuses to start without --yes when nobody can answer, and starts nothing when the answer is no', async () => {
    const before = control.requests.length;
    await expect(backfillCommand(['s3://photos/', ...baseArguments()], recordingIo(undefined, false))).rejects.toThrow(/no terminal to confirm on: pass --yes/);
    const declined = recordingIo('n');
    expect(await backfillCommand(['s3://photos/', ...baseArguments()], declined)).toBe(0);
    expect(declined.questions).toEqual(['start the Batch Operations job? [y/N] ']);
    expect(declined.text()).toContain('3 objects');
    expect(declined.text()).toMatch(/not started\n$/);
    expect(control.requests.length).toBe(before);
  });

  it("takes what --function, --role-arn, --report and the source default to from the module's backfill output", async () => {
    // Prepare: `terraform output -json` as the module writes it (infra/modules/photo-organizer/outputs.tf).
    const folder = await mkdtemp(path.join(tmpdir(), 'backfill-tf-'));
    const file = path.join(folder, 'outputs.json');
    const output = {
      function_name: 'photo-organizer',
      function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:photo-organizer',
      role_arn: 'arn:aws:iam::123456789012:role/photo-organizer-batch',
      source_bucket: 'photos',
      source_prefix: '2020/',
      report_bucket: 'reports',
      report_prefix: 'reports/',
      account_id: '123456789012',
      region: 'us-east-1',
    };
    await writeFile(file, JSON.stringify({ backfill: { sensitive: false, type: 'object', value: output } }));
    const before = control.requests.length;

    // Act
    const io = recordingIo();
    const code = await backfillCommand(['--terraform-output', file, '--yes', '--endpoint', s3.endpoint, '--s3-control-endpoint', control.endpoint], io);
    await rm(folder, { recursive: true, force: true });

    // Assess
    expect(code).toBe(0);
    expect(io.text()).toMatch(/^1 objects \(0\.00 GB\) in s3:\/\/photos\/2020\/\n/);
    const [request] = control.requests.slice(before);
    expect(request!.headers['x-amz-account-id']).toBe('123456789012');
    expect((request!.parsed as { CreateJobRequest: unknown }).CreateJobRequest).toMatchObject({
      RoleArn: output.role_arn,
      Operation: { LambdaInvoke: { FunctionArn: output.function_arn } },
      Report: { Bucket: 'arn:aws:s3:::reports', Prefix: 'reports/' },
      ManifestGenerator: { S3JobManifestGenerator: { SourceBucket: 'arn:aws:s3:::photos', Filter: { KeyNameConstraint: { MatchAnyPrefix: [{ member: ['2020/'] }] } } } },
    });
  });

  it('names the flag that is wrong', async () => {
    await expect(backfillCommand(['s3://photos/', '--function', 'organizer', '--role-arn', ROLE_ARN, '--report', 's3://reports'], recordingIo())).rejects.toThrow(/--account-id must be 12 digits/);
    await expect(backfillCommand(['s3://photos/', ...baseArguments(), '--created-after', 'yesterday'], recordingIo())).rejects.toThrow(/--created-after must be an ISO 8601 date/);
    await expect(backfillCommand(['photos', ...baseArguments()], recordingIo())).rejects.toThrow(/the source must look like s3:\/\/bucket/);
  });
});

describe('backfill end to end: 1,040 objects through the Batch Operations stand-in, with faults', () => {
  const DATED = 1000;
  const UNDATED = 30;
  const UNSUPPORTED = 10;
  const PRE_ORGANIZED = 100;
  const datedKeys = Array.from({ length: DATED }, (_, index) => `backfill/IMG_${String(index + 1).padStart(4, '0')}.jpg`);
  const undatedKeys = Array.from({ length: UNDATED }, (_, index) => `backfill/scan ${String(index + 1).padStart(2, '0')}.jpg`);
  const unsupportedKeys = Array.from({ length: UNSUPPORTED }, (_, index) => `backfill/notes-${index + 1}.txt`);
  // Fail every S3 request of these until their first attempt has failed (TemporaryFailure)...
  const failOnce = new Set(datedKeys.filter((_, index) => index >= PRE_ORGANIZED && index % 50 === 7));
  // ...and these always.
  const alwaysFailing = new Set(datedKeys.slice(-3));

  let s3: LocalS3;
  let proxy: FaultProxy;
  let pipeline: LocalPipeline;
  let control: S3ControlEndpoint;
  let folder: string;
  let eventsOn = true;
  const copies: string[] = [];
  const attempts = new Map<string, string[]>();

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'backfill-test-'));
    s3 = await startLocalS3({ buckets: ['uploads', 'library', 'reports'] });
    const failing = (requestPath: string) => {
      const key = decodeURIComponent(requestPath.split('?')[0]!).replace(/^\/uploads\//, '');
      return failOnce.has(key) || alwaysFailing.has(key);
    };
    proxy = await startFaultProxy({ target: s3.endpoint, faults: { probability: 1, kinds: ['internal'] }, filter: ({ path: requestPath }) => failing(requestPath) });
    pipeline = await startLocalPipeline({
      s3,
      sourceBucket: 'uploads',
      destinationBucket: 'library',
      functionS3Endpoint: proxy.endpoint,
      concurrency: 4,
      // Only the objects "events already organized" reach the function through notifications.
      filter: () => eventsOn,
    });
    control = await startS3ControlEndpoint({
      runtimes: { 'photo-organizer': pipeline.runtime },
      s3: s3.client(),
      concurrency: 4,
      onAttempt: (entry, resultCode) => {
        attempts.set(entry.key, [...(attempts.get(entry.key) ?? []), resultCode]);
        if (resultCode === 'TemporaryFailure') failOnce.delete(entry.key);
      },
    });
    s3.onObjectCreated((event) => {
      const record = event.Records[0]!;
      if (record.s3.bucket.name === 'library') copies.push(record.s3.object.key);
    });
    const client = s3.client();
    const [dated, undated, notes] = await Promise.all(['jpeg-dto-offset.jpg', 'jpeg-no-date.jpg', 'notes.txt'].map((name) => readFile(path.join(media, name))));
    // Uploaded with events on: the function organizes these as it would new uploads.
    await pMap(datedKeys.slice(0, PRE_ORGANIZED), (key) => client.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: dated })), { concurrency: 8 });
    await pipeline.idle();
    eventsOn = false;
    // Count from here: the copies the events made are the "already organized" ones.
    expect(copies).toHaveLength(PRE_ORGANIZED);
    copies.splice(0);
    const rest = [
      ...datedKeys.slice(PRE_ORGANIZED).map((key) => ({ key, body: dated! })),
      ...undatedKeys.map((key) => ({ key, body: undated! })),
      ...unsupportedKeys.map((key) => ({ key, body: notes! })),
    ];
    await pMap(rest, ({ key, body }) => client.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: body })), { concurrency: 8 });
    // The copies the events made are the starting point, not part of what the backfill copies.
    copies.splice(0);
  }, 300_000);
  afterAll(async () => {
    await control?.stop();
    await pipeline?.stop();
    await proxy?.stop();
    await s3?.stop();
    await rm(folder, { recursive: true, force: true });
  });
  afterEach(() => {
    copies.splice(0);
  });

  async function backfillAndWait(): Promise<{ jobId: string; output: string; statusCode: number; failedKeysFile: string }> {
    const io = recordingIo();
    const arguments_ = ['--function', FUNCTION_ARN, '--role-arn', ROLE_ARN, '--report', 's3://reports/backfill', '--endpoint', s3.endpoint, '--s3-control-endpoint', control.endpoint];
    expect(await backfillCommand(['s3://uploads/backfill/', ...arguments_, '--yes'], io)).toBe(0);
    const jobId = /job ([0-9a-f-]{36}) created/.exec(io.text())![1]!;
    await control.idle();
    const failedKeysFile = path.join(folder, `failed-${jobId}.txt`);
    const status = recordingIo();
    const statusCode = await backfillCommand(['status', jobId, '--account-id', '000000000000', '--failed-keys', failedKeysFile, '--endpoint', s3.endpoint, '--s3-control-endpoint', control.endpoint], status);
    return { jobId, output: io.text() + status.text(), statusCode, failedKeysFile };
  }

  it('organizes what events missed, retries temporary failures, reports the rest', async () => {
    // Prepare: 100 organized by events already.
    expect(await listKeys(s3.client(), 'library')).toHaveLength(PRE_ORGANIZED);
    const failingOnce = [...failOnce];
    expect(failingOnce.length).toBeGreaterThanOrEqual(15);

    // Act
    const { jobId, output, statusCode, failedKeysFile } = await backfillAndWait();

    // Assess: the plan, the progress line and the report's summary.
    expect(output).toMatch(/^1,040 objects \([\d.]+ GB\) in s3:\/\/uploads\/backfill\/\nestimate: /);
    // Unsupported files are final failures to Batch Operations (PermanentFailure, "skipped: ...").
    expect(output).toMatch(new RegExp(`job ${jobId}: Complete, 1027 succeeded, 13 failed of 1040 at \\d+\\.\\d objects/s\\n`));
    expect(output).toContain(`report: ${DATED - 3} organized, ${UNDATED} undated, ${UNSUPPORTED} skipped, 3 failed`);
    expect(statusCode).toBe(1);
    expect((await readFile(failedKeysFile, 'utf8')).trim().split('\n')).toEqual([...alwaysFailing].map((key) => `s3://uploads/${key}`));
    // Every object that failed once got a second invocation that succeeded.
    for (const key of failingOnce) expect(attempts.get(key)).toEqual(['TemporaryFailure', 'Succeeded']);
    for (const key of alwaysFailing) expect(attempts.get(key)).toEqual(['TemporaryFailure', 'TemporaryFailure', 'TemporaryFailure']);
    // Nothing the events organized was copied again; everything else was copied exactly once.
    expect(copies).toHaveLength(DATED - PRE_ORGANIZED - 3 + UNDATED);
    expect(new Set(copies).size).toBe(copies.length);
    expect(await listKeys(s3.client(), 'library')).toHaveLength(DATED - 3 + UNDATED);
    expect(await listKeys(s3.client(), 'library', 'undated/')).toHaveLength(UNDATED);
  }, 900_000);

  it('a second run copies nothing', async () => {
    const { output } = await backfillAndWait();
    expect(output).toContain(`report: ${DATED - 3} organized, ${UNDATED} undated, ${UNSUPPORTED} skipped, 3 failed`);
    expect(copies).toEqual([]);
  }, 900_000);
});
