// Every S3 request the real function sends, checked against the IAM policy the module renders for
// it. The built function bundle runs under the real Lambda runtime interface client against the
// local S3 server (test-kit's pipeline), through a recording proxy; the buckets are named as in the
// module's terraform test runs. Each recorded request is mapped to the actions S3 authorizes it
// with (s3-request-permissions.ts, from AWS's "Required permissions for Amazon S3 API operations")
// and evaluated by @cloud-copilot/iam-simulate against the `iam_role_policy_document` output of
// the run with the same mode (`terraform test -json -verbose`, as rendered-policies.test.ts does).
// The local server has no IAM: this is what catches a permission the code needs and the role lacks.
// Not covered: versioned buckets (the local server keeps no versions, so no request carries a
// versionId here), SSE-KMS, restores, Object Lock.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type FaultProxy, type LocalPipeline, makeLargeJpeg, startFaultProxy, startLocalPipeline, startLocalS3 } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, decide } from './iam-decide.js';
import { type RecordedS3Request, requiredPermissions } from './s3-request-permissions.js';
import { MODULE_DIRECTORY, TERRAFORM, TERRAFORM_MISSING, type TestRunState, parseTestStates, startTerraform } from './terraform-harness.js';

if (TERRAFORM_MISSING) console.warn(`Skipping the function-requests suite: no terraform binary at ${TERRAFORM} (set TERRAFORM=...).`);

const fixtures = fileURLToPath(new URL('../../test-fixtures/', import.meta.url));
/** The buckets of the runs two_buckets_copy_mode and two_buckets_move_mode (tests/photo-organizer.tftest.hcl). */
const SOURCE = 'example-uploads';
const DESTINATION = 'example-photos';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/photo-organizer`;
const MiB = 1024 ** 2;
const TAKEOUT = 'companions/takeout/Takeout/Google Photos/Photos from 2021/';

interface Recorder {
  readonly proxy: FaultProxy;
  readonly requests: RecordedS3Request[];
}

/** A proxy that forwards everything untouched and keeps each request's method, path and headers. */
async function startRecorder(target: string): Promise<Recorder> {
  const requests: RecordedS3Request[] = [];
  const proxy = await startFaultProxy({
    target,
    // Called for every request (no faults are planned), before it is forwarded.
    beforeForward: ({ method, path: url, headers }) => {
      requests.push({ method, path: url, headers: { ...headers } });
    },
  });
  return { proxy, requests };
}

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!).sort();
}

interface Verdict {
  readonly request: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string>;
  readonly decision: string;
}

/** Each request's required permissions, decided against `policy`; unknown shapes throw. */
async function evaluate(requests: readonly RecordedS3Request[], policy: string): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const request of requests) {
    for (const permission of requiredPermissions(request)) {
      const decision = await decide(policy, ROLE, permission.action, permission.resource, undefined, permission.context);
      verdicts.push({ request: `${request.method} ${request.path}`, ...permission, decision });
    }
  }
  return verdicts;
}

const denied = (verdicts: readonly Verdict[]) => verdicts.filter((verdict) => verdict.decision !== 'Allowed');
/** "action bucket" pairs, sorted: what the scenarios exercised. */
const actionBuckets = (verdicts: readonly Verdict[]) => [...new Set(verdicts.map((verdict) => `${verdict.action} ${verdict.resource.replace('arn:aws:s3:::', '').split('/')[0]}`))].sort();

/** The policy with one statement taken out, to show the check fails when a grant is missing. */
function withoutStatement(policy: string, sid: string): string {
  const document = JSON.parse(policy) as { Statement: { Sid?: string }[] };
  const kept = document.Statement.filter((statement) => statement.Sid !== sid);
  if (kept.length !== document.Statement.length - 1) throw new Error(`policy has no statement ${sid}`);
  return JSON.stringify({ ...document, Statement: kept });
}

describe.skipIf(TERRAFORM_MISSING)('every S3 request the function sends is allowed by the role the module renders', () => {
  let states: Map<string, TestRunState>;
  let copyRequests: RecordedS3Request[];
  let moveRequests: RecordedS3Request[];
  const copyOutcome: { library: string[]; collision: string[]; failures: unknown[] } = { library: [], collision: [], failures: [] };
  const moveOutcome: { library: string[]; uploads: string[]; failures: unknown[] } = { library: [], uploads: [], failures: [] };
  let scratch: string;

  const policyOf = (run: string): string => {
    const value = states.get(run)?.outputs.iam_role_policy_document?.value;
    if (typeof value !== 'string') throw new Error(`run ${run} has no iam_role_policy_document output`);
    return value;
  };

  /** Runs `scenario` on a fresh server and pipeline whose function talks through a recorder. */
  async function record(environment: Record<string, string>, scenario: (pipeline: LocalPipeline, client: S3Client) => Promise<void>): Promise<RecordedS3Request[]> {
    const s3 = await startLocalS3({ buckets: [SOURCE, DESTINATION] });
    const recorder = await startRecorder(s3.endpoint);
    const pipeline = await startLocalPipeline({ s3, sourceBucket: SOURCE, destinationBucket: DESTINATION, functionS3Endpoint: recorder.proxy.endpoint, environment, retryDelayMs: 500 });
    try {
      await scenario(pipeline, s3.client());
      return recorder.requests;
    } finally {
      await pipeline.stop();
      await recorder.proxy.stop();
      await s3.stop();
    }
  }

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'function-requests-'));
    const terraform = await startTerraform();
    // terraform (its own process) renders the policies while the function runs.
    const rendered = terraform.initAndRun(MODULE_DIRECTORY, ['test', '-json', '-verbose']);
    try {
      const jpeg = await readFile(path.join(fixtures, 'media/jpeg-dto-offset.jpg'));
      const large = await makeLargeJpeg(path.join(scratch, 'large.jpg'), 6 * MiB);
      copyRequests = await record({ MULTIPART_THRESHOLD_BYTES: String(5 * MiB), MULTIPART_PART_SIZE_BYTES: String(5 * MiB) }, async (pipeline, client) => {
        // A dated JPEG, then the same name with other bytes (a name collision: the next free name),
        // then a 6 MiB JPEG copied in parts.
        await client.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'IMG_0001.jpg', Body: jpeg }));
        await pipeline.idle();
        await client.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'IMG_0001.jpg', Body: Buffer.concat([jpeg, Buffer.from('other bytes')]) }));
        await pipeline.idle();
        await client.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'large.jpg', Body: await readFile(large.path) }));
        await pipeline.idle();
        copyOutcome.library = await listKeys(client, DESTINATION, '');
        copyOutcome.failures = [...pipeline.failures];
      });
      const takeoutPhoto = await readFile(path.join(fixtures, TAKEOUT, 'received_10157.jpeg'));
      const takeoutJson = await readFile(path.join(fixtures, TAKEOUT, 'received_10157.jpeg.json'));
      moveRequests = await record({ MOVE: 'true', SIDECAR: 'true', KEY_TEMPLATE: '{dir}/{yyyy}-{mm}-{dd}/{name}', COMPANION_GRACE_SECONDS: '2' }, async (pipeline, client) => {
        // A dated JPEG moved with its sidecar; then a Takeout photo without a date of its own, moved
        // at once (undated), and its JSON: the photo is re-filed under the JSON's date and the
        // stale undated library copy deleted with If-Match.
        await client.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'dated/IMG_0001.jpg', Body: jpeg }));
        await client.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'takeout/received_10157.jpeg', Body: takeoutPhoto }));
        await pipeline.idle();
        await client.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'takeout/received_10157.jpeg.json', Body: takeoutJson }));
        await pipeline.idle();
        moveOutcome.library = await listKeys(client, DESTINATION, '');
        moveOutcome.uploads = await listKeys(client, SOURCE, '');
        moveOutcome.failures = [...pipeline.failures];
      });
      const result = await rendered;
      states = new Map(parseTestStates(result.stdout).map((state) => [state.run, state]));
    } finally {
      await rendered.catch(() => undefined);
      await terraform.stop();
    }
  }, 150_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('the copy-mode scenarios did what they exist for (filed, a numbered name, a multipart copy)', () => {
    expect(copyOutcome.failures).toEqual([]);
    expect(copyOutcome.library.filter((key) => key.startsWith('2019-07-15/IMG_0001')).length).toBe(2);
    expect(copyRequests.some((request) => request.method === 'GET' && request.path.includes('list-type=2'))).toBe(true);
    expect(copyRequests.some((request) => request.method === 'POST' && /[?&]uploads(=|&|$)/.test(request.path))).toBe(true);
    expect(copyRequests.some((request) => request.method === 'PUT' && request.path.includes('uploadId=') && request.headers['x-amz-copy-source'] !== undefined)).toBe(true);
  });

  it('the move-mode scenarios did what they exist for (moved, sidecars, the stale copy re-filed and deleted)', () => {
    expect(moveOutcome.failures).toEqual([]);
    expect(moveOutcome.uploads).toEqual([]);
    expect(moveOutcome.library.filter((key) => key.startsWith('undated/'))).toEqual([]);
    expect(moveOutcome.library).toContain('takeout/2021-06-30/received_10157.jpeg');
    expect(moveOutcome.library.some((key) => key.startsWith('dated/2019-07-15/IMG_0001.jpg') && key !== 'dated/2019-07-15/IMG_0001.jpg')).toBe(true);
    const staleDeletes = moveRequests.filter((request) => request.method === 'DELETE' && request.path.startsWith(`/${DESTINATION}/undated/`));
    expect(staleDeletes.length).toBeGreaterThan(0);
    expect(staleDeletes.every((request) => typeof request.headers['if-match'] === 'string')).toBe(true);
  });

  it.each([
    ['copy', 'two_buckets_copy_mode'],
    ['move', 'two_buckets_move_mode'],
  ])('%s mode: every request is allowed by the %s run\'s function policy', async (mode, run) => {
    // Act
    const requests = mode === 'copy' ? copyRequests : moveRequests;
    const verdicts = await evaluate(requests, policyOf(run));

    // Assess
    console.info(`${mode} mode: ${requests.length} requests; action and bucket pairs:\n  ${actionBuckets(verdicts).join('\n  ')}`);
    expect(requests.length).toBeGreaterThan(10);
    expect(denied(verdicts)).toEqual([]);
  });

  it('without RemoveOwnStaleCopiesIfUnchanged, exactly the stale library copy\'s deletes are denied', async () => {
    // Act
    const verdicts = await evaluate(moveRequests, withoutStatement(policyOf('two_buckets_move_mode'), 'RemoveOwnStaleCopiesIfUnchanged'));

    // Assess
    const refused = denied(verdicts);
    const libraryDeletes = moveRequests.filter((request) => request.method === 'DELETE' && request.path.startsWith(`/${DESTINATION}/`)).map((request) => `${request.method} ${request.path}`);
    expect(libraryDeletes.some((request) => request.startsWith(`DELETE /${DESTINATION}/undated/takeout/received_10157.jpeg?`))).toBe(true);
    expect(refused.map((verdict) => verdict.request)).toEqual(libraryDeletes);
    expect(new Set(refused.map((verdict) => `${verdict.action} ${verdict.decision}`))).toEqual(new Set(['s3:DeleteObject ImplicitlyDenied']));
  });
});
