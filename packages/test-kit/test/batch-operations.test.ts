import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchManifestLine, BatchOperationsError, parseBatchManifest, runBatchOperationsJob } from '../src/batch-operations.js';
import { type LambdaRuntime, startLambdaRuntime } from '../src/lambda-runtime.js';
import { type LocalS3, startLocalS3 } from '../src/local-s3.js';
import { type S3ControlEndpoint, startS3ControlEndpoint } from '../src/s3-control-endpoint.js';

const handlers = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'handlers');

let s3: LocalS3;
let client: S3Client;
let runtime: LambdaRuntime;
let markers: string;
beforeAll(async () => {
  s3 = await startLocalS3({ buckets: ['photos', 'reports', 'inventory'] });
  client = s3.client();
  markers = await mkdtemp(path.join(tmpdir(), 'batch-markers-'));
  runtime = await startLambdaRuntime({ taskRoot: handlers, handler: 'batch.handler', concurrency: 2, timeoutMs: 10_000, functionName: 'batch', environment: { MARKER_DIR: markers } });
});
afterAll(async () => {
  await runtime.stop();
  await s3.stop();
  await rm(markers, { recursive: true, force: true });
});

async function text(bucket: string, key: string): Promise<string> {
  return (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString('utf8');
}

describe('Batch Operations manifests', () => {
  it('reads bucket,key[,versionId] with URL-encoded keys and writes them back', () => {
    const entries = parseBatchManifest('photos,2019/IMG%201%2B2.jpg\r\n\nphotos,a.jpg,v1\n');
    expect(entries).toEqual([{ bucket: 'photos', key: '2019/IMG 1+2.jpg' }, { bucket: 'photos', key: 'a.jpg', versionId: 'v1' }]);
    expect(entries.map(batchManifestLine)).toEqual(['photos,2019/IMG%201%2B2.jpg', 'photos,a.jpg,v1']);
    expect(() => parseBatchManifest('photos\n')).toThrow(BatchOperationsError);
    expect(() => parseBatchManifest('photos,%E0%A4%A\n')).toThrow(/row 1: key is not URL-encoded/);
  });
});

describe('runBatchOperationsJob (stand-in for S3 Batch Operations)', () => {
  it('invokes once per object with schema 2.0, retries TemporaryFailure, and writes AWS-shaped report files', async () => {
    // Prepare
    const keys = ['ok, one.jpg', 'temporary-1.jpg', 'permanent-1.jpg', 'throw-1.jpg'];
    const seen: string[] = [];

    // Act
    const job = await runBatchOperationsJob({
      runtime,
      s3: client,
      jobId: 'job-under-test',
      manifest: { csv: keys.map((key) => batchManifestLine({ bucket: 'photos', key })).join('\n') },
      userArguments: { who: 'tester' },
      report: { bucket: 'reports', prefix: 'backfill/' },
      retryDelayMs: 10,
      onAttempt: (entry, code, attempt) => seen.push(`${entry.key}:${code}:${attempt}`),
    });

    // Assess
    expect(job).toMatchObject({ jobId: 'job-under-test', total: 4, succeeded: 2, failed: 2, reportManifestKey: 'backfill/job-job-under-test/manifest.json' });
    expect(seen.sort()).toEqual(['ok, one.jpg:Succeeded:1', 'permanent-1.jpg:PermanentFailure:1', 'temporary-1.jpg:Succeeded:2', 'temporary-1.jpg:TemporaryFailure:1', 'throw-1.jpg:PermanentFailure:1']);
    const manifest = JSON.parse(await text('reports', job.reportManifestKey!)) as { Format: string; ReportSchema: string; Results: { TaskExecutionStatus: string; Bucket: string; Key: string }[] };
    expect(manifest.Format).toBe('Report_CSV_20180820');
    expect(manifest.ReportSchema).toBe('Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage');
    expect(manifest.Results.map((result) => result.TaskExecutionStatus)).toEqual(['succeeded', 'failed']);
    const succeeded = (await text('reports', manifest.Results[0]!.Key)).trim().split('\n').sort();
    expect(succeeded).toEqual([
      'photos,ok%2C%20one.jpg,,succeeded,200,,"done: photos/ok, one.jpg, ""quoted"", user tester"',
      'photos,temporary-1.jpg,,succeeded,200,,"done: photos/temporary-1.jpg, ""quoted"", user tester"',
    ]);
    const failed = (await text('reports', manifest.Results[1]!.Key)).trim().split('\n').sort();
    expect(failed[0]).toBe('photos,permanent-1.jpg,,failed,200,PermanentFailure,"no: photos/permanent-1.jpg, ""quoted"", user tester"');
    expect(failed[1]).toMatch(/^photos,throw-1\.jpg,,failed,200,PermanentFailure,"Lambda returned function error: \{""errorType"":""Error"",""errorMessage"":""cannot handle throw-1\.jpg""\}"$/);
  });
});

describe('startS3ControlEndpoint (stand-in for the S3 Control API)', () => {
  let control: S3ControlEndpoint;
  beforeAll(async () => {
    control = await startS3ControlEndpoint({ runtimes: { batch: runtime }, s3: client, retryDelayMs: 10 });
  });
  afterAll(async () => control.stop());
  const baseJob = {
    AccountId: '000000000000',
    ConfirmationRequired: false,
    Operation: { LambdaInvoke: { FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:batch', InvocationSchemaVersion: '2.0' } },
    Report: { Bucket: 'arn:aws:s3:::reports', Prefix: 'control', Format: 'Report_CSV_20180820' as const, Enabled: true, ReportScope: 'FailedTasksOnly' as const },
    Priority: 10,
    RoleArn: 'arn:aws:iam::000000000000:role/batch',
  };

  it('runs a job whose manifest is a CSV object, and DescribeJob reports its progress', async () => {
    // Prepare
    await client.send(new PutObjectCommand({ Bucket: 'photos', Key: 'manifests/one.csv', Body: 'photos,a.jpg\nphotos,permanent-2.jpg\n' }));
    const sdk = new S3ControlClient(control.clientConfig);

    // Act
    const { JobId } = await sdk.send(
      new CreateJobCommand({ ...baseJob, ClientRequestToken: 'token-1', Manifest: { Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] }, Location: { ObjectArn: 'arn:aws:s3:::photos/manifests/one.csv', ETag: 'x' } } }),
    );
    await control.idle();
    const { Job } = await sdk.send(new DescribeJobCommand({ AccountId: '000000000000', JobId }));

    // Assess
    expect(Job).toMatchObject({ JobId, Status: 'Complete', ProgressSummary: { TotalNumberOfTasks: 2, NumberOfTasksSucceeded: 1, NumberOfTasksFailed: 1 }, Report: { Prefix: 'control', ReportScope: 'FailedTasksOnly' } });
    const manifest = JSON.parse(await text('reports', `control/job-${JobId}/manifest.json`)) as { Results: { TaskExecutionStatus: string }[] };
    expect(manifest.Results.map((result) => result.TaskExecutionStatus)).toEqual(['failed']);
  });

  it("reads an S3 Inventory report's gzipped CSV files as the manifest", async () => {
    // Prepare: an inventory report as S3 Inventory writes it (manifest.json naming csv.gz files).
    const rows = ['"photos","inv%20one.jpg","2019-01-01T00:00:00.000Z"', '"photos","inv-two.jpg","2019-01-01T00:00:00.000Z"'].join('\n');
    await client.send(new PutObjectCommand({ Bucket: 'inventory', Key: 'photos/all/data/1.csv.gz', Body: gzipSync(rows) }));
    await client.send(new PutObjectCommand({ Bucket: 'inventory', Key: 'photos/all/manifest.json', Body: JSON.stringify({ sourceBucket: 'photos', fileFormat: 'CSV', files: [{ key: 'photos/all/data/1.csv.gz' }] }) }));
    const sdk = new S3ControlClient(control.clientConfig);

    // Act
    const { JobId } = await sdk.send(
      new CreateJobCommand({ ...baseJob, ClientRequestToken: 'token-2', Manifest: { Spec: { Format: 'S3InventoryReport_CSV_20161130' }, Location: { ObjectArn: 'arn:aws:s3:::inventory/photos/all/manifest.json', ETag: 'x' } } }),
    );
    await control.idle();

    // Assess
    expect(control.jobs.get(JobId!)?.result?.tasks.map((task) => task.key).sort()).toEqual(['inv one.jpg', 'inv-two.jpg']);
    expect(control.jobs.get(JobId!)?.status).toBe('Complete');
  });

  it('answers NoSuchJob for an unknown job, as S3 Control does', async () => {
    await expect(new S3ControlClient(control.clientConfig).send(new DescribeJobCommand({ AccountId: '000000000000', JobId: 'nope' }))).rejects.toMatchObject({ name: 'NoSuchJob' });
  });
});
