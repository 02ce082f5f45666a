// Evaluates the policies exactly as the module renders them: `terraform test -json -verbose` prints
// the state of each `command = apply` run in tests/photo-organizer.tftest.hcl (mock_provider, so
// account 123456789012 / eu-west-1 come from the mock data sources there), and those outputs are
// fed to @cloud-copilot/iam-simulate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, type Decision, decide } from './iam-decide.js';
import { MODULE_DIRECTORY, TERRAFORM, TERRAFORM_MISSING, type Terraform, type TestRunState, parseTestStates, startTerraform } from './terraform-harness.js';

if (TERRAFORM_MISSING) console.warn(`Skipping the rendered-policy suite: no terraform binary at ${TERRAFORM} (set TERRAFORM=...).`);

const ROLE = `arn:aws:iam::${ACCOUNT}:role/photo-organizer`;
const LOG_STREAM = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/photo-organizer:log-stream:2026/01/01/[$LATEST]abc`;
const OTHER_LOG_STREAM = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/other:log-stream:x`;
const QUEUE = `arn:aws:sqs:eu-west-1:${ACCOUNT}:photo-organizer-failures`;
const FUNCTION = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:photo-organizer`;

/** The extensions the organizer supports (issue #infra): every one must trigger in both cases. */
const SUPPORTED_EXTENSIONS = ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'heic', 'heif', 'avif', 'webp', 'gif', 'dng', 'cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'orf', 'raf', 'rw2', 'pef', 'srw', 'x3f', 'iiq', 'mp4', 'mov', 'm4v', '3gp', 'avi', 'mkv', 'mts', 'm2ts'];
/** Companion files that follow their photo (issue 18): they must trigger too. */
const COMPANION_EXTENSIONS = ['xmp', 'aae', 'json'];
/** A conditional delete as the function sends it (If-Match: the ETag it copied). */
const IF_MATCH = { 's3:if-match': '"b1946ac92492d2347c6235b4d2611184"' };
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const VIA_S3 = { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' };
/** The default key policy (AWS KMS developer guide, "Default key policy"): the account's IAM decides. */
const DEFAULT_KEY_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
const PARAMETER = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/photo-organizer/webhook-url`;

describe.skipIf(TERRAFORM_MISSING)('policies and filters as the module renders them', () => {
  let terraform: Terraform;
  let states: Map<string, TestRunState>;

  const output = (run: string, name: string): string => {
    const value = states.get(run)?.outputs[name]?.value;
    if (typeof value !== 'string') throw new Error(`run ${run} has no string output ${name}`);
    return value;
  };
  const notificationRules = (run: string) => {
    const notification = states.get(run)?.resources.find((resource) => resource.address === 'aws_s3_bucket_notification.this[0]');
    return (notification?.values.lambda_function ?? []) as { events: string[]; filter_prefix: string | null; filter_suffix: string | null }[];
  };

  beforeAll(async () => {
    terraform = await startTerraform();
    const result = await terraform.initAndRun(MODULE_DIRECTORY, ['test', '-json', '-verbose']);
    states = new Map(parseTestStates(result.stdout).map((state) => [state.run, state]));
  });

  afterAll(async () => {
    await terraform?.stop();
  });

  it('covers lower and upper case of every supported extension, with no overlapping rules', () => {
    // Prepare
    const rules = notificationRules('two_buckets_copy_mode');
    const suffixes = rules.map((rule) => rule.filter_suffix);

    // Assess
    for (const extension of [...SUPPORTED_EXTENSIONS, ...COMPANION_EXTENSIONS]) {
      expect(suffixes).toContain(`.${extension}`);
      expect(suffixes).toContain(`.${extension.toUpperCase()}`);
    }
    const overlapping = rules.flatMap((left, index) =>
      rules.slice(index + 1).filter((right) => {
        const [leftPrefix, rightPrefix] = [left.filter_prefix ?? '', right.filter_prefix ?? ''];
        const [leftSuffix, rightSuffix] = [left.filter_suffix ?? '', right.filter_suffix ?? ''];
        const prefixes = leftPrefix.startsWith(rightPrefix) || rightPrefix.startsWith(leftPrefix);
        const suffixesOverlap = leftSuffix.endsWith(rightSuffix) || rightSuffix.endsWith(leftSuffix);
        const events = left.events.some((event) => right.events.includes(event));
        return prefixes && suffixesOverlap && events;
      }).map((right) => `${left.filter_suffix} / ${right.filter_suffix}`),
    );
    expect(overlapping).toEqual([]);
    expect(rules.length).toBe((SUPPORTED_EXTENSIONS.length + COMPANION_EXTENSIONS.length) * 2);
  });

  it('never triggers on the destination prefix in one-bucket mode', () => {
    // Prepare
    const rules = notificationRules('one_bucket_move_mode');
    const written = 'photos/2026-01-01/IMG_0001.JPG';

    // Assess
    expect(rules.length).toBeGreaterThan(0);
    const triggering = rules.filter((rule) => written.startsWith(rule.filter_prefix ?? '') && written.endsWith(rule.filter_suffix ?? ''));
    expect(triggering).toEqual([]);
    expect(rules.some((rule) => 'incoming/IMG_0001.JPG'.endsWith(rule.filter_suffix ?? '') && 'incoming/IMG_0001.JPG'.startsWith(rule.filter_prefix ?? ''))).toBe(true);
  });

  // [run, action, resource, decision, request context, resource account]
  const functionTable: [string, string, string, Decision, Record<string, string>?, string?][] = [
    ['two_buckets_copy_mode', 's3:GetObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'Allowed'],
    ['two_buckets_copy_mode', 's3:GetObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ImplicitlyDenied', {}, '210987654321'],
    ['two_buckets_copy_mode', 's3:PutObject', 'arn:aws:s3:::example-photos/2026-01-01/IMG_0001.JPG', 'Allowed'],
    ['two_buckets_copy_mode', 's3:PutObject', 'arn:aws:s3:::example-photos/2026-01-01/IMG_0001.JPG', 'ImplicitlyDenied', {}, '210987654321'],
    ['two_buckets_copy_mode', 's3:PutObject', 'arn:aws:s3:::example-photos/2026-01-01/IMG_0001.JPG.json', 'Allowed', { 's3:if-none-match': '*' }],
    ['two_buckets_copy_mode', 's3:ListMultipartUploadParts', 'arn:aws:s3:::example-photos/2026-01-01/VID_0001.MOV', 'Allowed'],
    ['two_buckets_copy_mode', 's3:AbortMultipartUpload', 'arn:aws:s3:::example-photos/2026-01-01/VID_0001.MOV', 'Allowed'],
    ['two_buckets_copy_mode', 's3:ListBucketMultipartUploads', 'arn:aws:s3:::example-photos', 'Allowed'],
    ['two_buckets_copy_mode', 's3:ListBucketMultipartUploads', 'arn:aws:s3:::example-uploads', 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:AbortMultipartUpload', 'arn:aws:s3:::example-uploads/VID_0001.MOV', 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:DeleteObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:DeleteObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ImplicitlyDenied', IF_MATCH],
    ['two_buckets_copy_mode', 's3:PutObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ExplicitlyDenied'],
    // Issue 18: a stale copy in the library (filed before its Takeout JSON) is removed only with If-Match.
    ['two_buckets_copy_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/undated/IMG_0001.JPG', 'Allowed', IF_MATCH],
    ['two_buckets_copy_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/undated/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/undated/IMG_0001.JPG', 'ImplicitlyDenied', IF_MATCH, '210987654321'],
    ['two_buckets_copy_mode', 's3:GetObjectVersion', 'arn:aws:s3:::example-photos/undated/IMG_0001.JPG', 'Allowed'],
    ['two_buckets_copy_mode', 's3:GetObjectTagging', 'arn:aws:s3:::example-photos/undated/IMG_0001.JPG', 'Allowed'],
    ['two_buckets_copy_mode', 's3:GetObject', 'arn:aws:s3:::example-photos/2026-01-01/IMG_0001.JPG', 'Allowed'],
    ['two_buckets_copy_mode', 's3:GetObjectVersion', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'Allowed'],
    ['two_buckets_copy_mode', 's3:ListBucket', 'arn:aws:s3:::example-uploads', 'Allowed'],
    ['two_buckets_copy_mode', 's3:ListBucket', 'arn:aws:s3:::example-photos', 'Allowed'],
    ['two_buckets_copy_mode', 's3:ListBucket', 'arn:aws:s3:::someone-elses-bucket', 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:DeleteObjectVersion', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:PutBucketNotification', 'arn:aws:s3:::example-uploads', 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:PutBucketPolicy', 'arn:aws:s3:::example-photos', 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:GetObject', 'arn:aws:s3:::someone-elses-bucket/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:PutObject', 'arn:aws:s3:::someone-elses-bucket/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:DeleteObject', 'arn:aws:s3:::someone-elses-bucket/IMG_0001.JPG', 'ImplicitlyDenied', IF_MATCH],
    ['two_buckets_copy_mode', 'kms:Decrypt', KEY, 'ImplicitlyDenied', VIA_S3],
    ['two_buckets_copy_mode', 'ssm:GetParameter', `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/photo-organizer/webhook-url`, 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 'logs:PutLogEvents', LOG_STREAM, 'Allowed'],
    ['two_buckets_copy_mode', 'logs:PutLogEvents', OTHER_LOG_STREAM, 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 'sqs:SendMessage', QUEUE, 'Allowed'],
    ['two_buckets_copy_mode', 'sqs:SendMessage', `arn:aws:sqs:eu-west-1:${ACCOUNT}:other`, 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 'sqs:ReceiveMessage', QUEUE, 'ImplicitlyDenied'],
    // Issue 21: restores only with RESTORE_TIER (off in every run); Object Lock is read in move mode only.
    ['two_buckets_copy_mode', 's3:RestoreObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['two_buckets_copy_mode', 's3:GetObjectLegalHold', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['two_buckets_move_mode', 's3:GetObjectLegalHold', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'Allowed'],
    ['two_buckets_move_mode', 's3:GetObjectRetention', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'Allowed'],
    ['two_buckets_move_mode', 's3:GetObjectLegalHold', 'arn:aws:s3:::example-photos/2026-01-01/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['two_buckets_move_mode', 's3:RestoreObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ImplicitlyDenied'],
    // Move mode: a delete only with If-Match (AWS's "Enforce conditional deletes" policy form), never a version.
    ['two_buckets_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'Allowed', IF_MATCH],
    ['two_buckets_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['two_buckets_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ImplicitlyDenied', IF_MATCH, '210987654321'],
    ['two_buckets_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/undated/IMG_0001.JPG', 'Allowed', IF_MATCH],
    ['two_buckets_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/undated/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['two_buckets_move_mode', 's3:DeleteObjectVersion', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ExplicitlyDenied', IF_MATCH],
    ['two_buckets_move_mode', 's3:DeleteObjectVersion', 'arn:aws:s3:::example-photos/2026-01-01/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['two_buckets_move_mode', 's3:PutObject', 'arn:aws:s3:::example-uploads/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['two_buckets_move_mode', 's3:DeleteObject', 'arn:aws:s3:::someone-elses-bucket/IMG_0001.JPG', 'ImplicitlyDenied', IF_MATCH],
    ['one_bucket_move_mode', 's3:GetObject', 'arn:aws:s3:::example-photos/incoming/IMG_0001.JPG', 'Allowed'],
    ['one_bucket_move_mode', 's3:PutObject', 'arn:aws:s3:::example-photos/photos/2026-01-01/IMG_0001.JPG', 'Allowed'],
    ['one_bucket_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/incoming/IMG_0001.JPG', 'Allowed', IF_MATCH],
    ['one_bucket_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/incoming/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['one_bucket_move_mode', 's3:PutObject', 'arn:aws:s3:::example-photos/incoming/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['one_bucket_move_mode', 's3:PutObject', 'arn:aws:s3:::example-photos/elsewhere/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['one_bucket_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/photos/undated/IMG_0001.JPG', 'Allowed', IF_MATCH],
    ['one_bucket_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/photos/undated/IMG_0001.JPG', 'ExplicitlyDenied'],
    ['one_bucket_move_mode', 's3:GetObject', 'arn:aws:s3:::example-photos/photos/2026-01-01/IMG_0001.JPG', 'Allowed'],
    ['one_bucket_move_mode', 's3:GetObject', 'arn:aws:s3:::example-photos/elsewhere/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['one_bucket_move_mode', 's3:DeleteObject', 'arn:aws:s3:::example-photos/elsewhere/IMG_0001.JPG', 'ImplicitlyDenied', IF_MATCH],
    // An existing source bucket: same object permissions; customer keys only through S3.
    ['existing_source_bucket_with_eventbridge', 's3:GetObject', 'arn:aws:s3:::example-uploads/2019/IMG_0001.JPG', 'Allowed'],
    ['existing_source_bucket_with_eventbridge', 's3:DeleteObject', 'arn:aws:s3:::example-uploads/2019/IMG_0001.JPG', 'Allowed', IF_MATCH],
    ['existing_source_bucket_with_eventbridge', 's3:PutBucketNotification', 'arn:aws:s3:::example-uploads', 'ImplicitlyDenied'],
    ['existing_source_bucket_with_eventbridge', 'kms:Decrypt', KEY, 'Allowed', VIA_S3],
    ['existing_source_bucket_with_eventbridge', 'kms:GenerateDataKey', KEY, 'Allowed', VIA_S3],
    ['existing_source_bucket_with_eventbridge', 'kms:Decrypt', KEY, 'ImplicitlyDenied'],
    ['existing_source_bucket_with_eventbridge', 'kms:Decrypt', KEY, 'ImplicitlyDenied', { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' }],
    ['existing_source_bucket_with_eventbridge', 'kms:Decrypt', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/other`, 'ImplicitlyDenied', VIA_S3],
    ['existing_source_bucket_with_eventbridge', 'kms:Encrypt', KEY, 'ImplicitlyDenied', VIA_S3],
    // The webhook URL from one SSM SecureString, decrypted with its customer key through SSM only.
    ['webhook_from_ssm_and_boundary', 'ssm:GetParameter', PARAMETER, 'Allowed'],
    ['webhook_from_ssm_and_boundary', 'ssm:GetParameter', `${PARAMETER}-other`, 'ImplicitlyDenied'],
    ['webhook_from_ssm_and_boundary', 'ssm:PutParameter', PARAMETER, 'ImplicitlyDenied'],
    ['webhook_from_ssm_and_boundary', 'kms:Decrypt', KEY, 'ImplicitlyDenied', VIA_S3],
  ];

  it.each(functionTable)('%s: the function role gets %s on %s: %s (context %j, resource account %s)', async (run, action, resource, expected, context = {}, resourceAccount = ACCOUNT) => {
    // Act: a KMS key is usable only when its key policy says so too; the default key policy
    // delegates to IAM, which is what the module's README asks of a key in kms_key_arns.
    const resourcePolicy = action.startsWith('kms:') ? DEFAULT_KEY_POLICY : undefined;
    const decision = await decide(output(run, 'iam_role_policy_document'), ROLE, action, resource, resourcePolicy, context, resourceAccount);

    // Assess
    expect(decision).toBe(expected);
  });

  it('lets the webhook key decrypt only that parameter, only through SSM', () => {
    // The simulator ignores kms:EncryptionContext:<key> context keys (it only expands keys with a
    // '/', like aws:PrincipalTag/x), so this condition is checked as written, not simulated.
    const statements = (JSON.parse(output('webhook_from_ssm_and_boundary', 'iam_role_policy_document')) as { Statement: { Sid: string }[] }).Statement;

    expect(statements.find((statement) => statement.Sid === 'DecryptWebhookUrl')).toEqual({
      Sid: 'DecryptWebhookUrl',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: KEY,
      Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com', 'kms:EncryptionContext:PARAMETER_ARN': PARAMETER } },
    });
  });

  it('grants s3:DeleteObjectVersion in no statement of any run', () => {
    // Prepare
    const policies = [...states.values()].flatMap((state) => ['iam_role_policy_document', 'batch_operations_role_policy_document'].map((name) => state.outputs[name]?.value)).filter((value): value is string => typeof value === 'string');
    const allowed = policies.flatMap((policy) => (JSON.parse(policy) as { Statement: { Effect: string; Action: string | string[] }[] }).Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => [statement.Action].flat()));

    // Assess
    expect(policies.length).toBeGreaterThanOrEqual(5);
    expect(allowed).toContain('s3:DeleteObject');
    expect(allowed.filter((action) => action === 's3:DeleteObjectVersion' || action.endsWith('*'))).toEqual([]);
  });

  const batchTable: [string, string, Decision][] = [
    ['lambda:InvokeFunction', FUNCTION, 'Allowed'],
    ['lambda:InvokeFunction', `${FUNCTION}:7`, 'ImplicitlyDenied'],
    ['s3:ListBucket', 'arn:aws:s3:::example-photos', 'Allowed'],
    ['s3:GetObject', 'arn:aws:s3:::example-manifests/manifests/job-1.csv', 'Allowed'],
    ['s3:PutObject', 'arn:aws:s3:::example-manifests/manifests/job-1/manifest.json', 'Allowed'],
    ['s3:PutObject', 'arn:aws:s3:::example-manifests/reports/job-1/report.csv', 'Allowed'],
    ['s3:PutObject', 'arn:aws:s3:::example-manifests/elsewhere/x.csv', 'ImplicitlyDenied'],
    ['s3:GetObject', 'arn:aws:s3:::example-photos/incoming/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['s3:DeleteObject', 'arn:aws:s3:::example-photos/incoming/IMG_0001.JPG', 'ImplicitlyDenied'],
    ['lambda:InvokeFunction', `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:other`, 'ImplicitlyDenied'],
  ];

  it.each(batchTable)('the Batch Operations role gets %s on %s: %s', async (action, resource, expected) => {
    // Act
    const decision = await decide(output('one_bucket_move_mode', 'batch_operations_role_policy_document'), `arn:aws:iam::${ACCOUNT}:role/photo-organizer-batch-operations`, action, resource);

    // Assess
    expect(decision).toBe(expected);
  });

  it('lets only this account\'s Batch Operations jobs assume the role (aws:SourceAccount, aws:SourceArn)', () => {
    // Prepare
    const trust = JSON.parse(output('one_bucket_move_mode', 'batch_operations_trust_policy_document')) as { Statement: { Principal: unknown; Condition: unknown }[] };

    // Assess
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'batchoperations.s3.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:s3:eu-west-1:${ACCOUNT}:job/*` } },
      }),
    ]);
  });

  it('lets only the rule deliver dead letters to the failure queue', async () => {
    // Prepare
    const queuePolicy = output('existing_source_bucket_with_eventbridge', 'sqs_queue_policy');
    const noIdentityPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'none:None', Resource: '*' }] });
    const rule = `arn:aws:events:eu-west-1:${ACCOUNT}:rule/photo-organizer-object-created`;

    // Act
    const fromRule = await decide(noIdentityPolicy, 'events.amazonaws.com', 'sqs:SendMessage', QUEUE, queuePolicy, { 'aws:SourceArn': rule, 'aws:SourceAccount': ACCOUNT });
    const fromOtherRule = await decide(noIdentityPolicy, 'events.amazonaws.com', 'sqs:SendMessage', QUEUE, queuePolicy, { 'aws:SourceArn': `${rule}-other`, 'aws:SourceAccount': ACCOUNT });

    // Assess
    expect(fromRule).toBe('Allowed');
    expect(fromOtherRule).toBe('ImplicitlyDenied');
  });

  it.each(['source', 'destination'])('the %s bucket policy denies requests without TLS and leaves TLS requests to IAM', async (bucket) => {
    // Prepare
    const policies = states.get('two_buckets_copy_mode')?.outputs.s3_bucket_policies?.value as Record<string, string>;
    const name = bucket === 'source' ? 'example-uploads' : 'example-photos';
    const allowEverything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    const object = `arn:aws:s3:::${name}/IMG_0001.JPG`;

    // Act
    const plain = await decide(allowEverything, ROLE, 's3:GetObject', object, policies[bucket], { 'aws:SecureTransport': 'false' });
    const plainList = await decide(allowEverything, ROLE, 's3:ListBucket', `arn:aws:s3:::${name}`, policies[bucket], { 'aws:SecureTransport': 'false' });
    const tls = await decide(allowEverything, ROLE, 's3:GetObject', object, policies[bucket], { 'aws:SecureTransport': 'true' });

    // Assess
    expect(plain).toBe('ExplicitlyDenied');
    expect(plainList).toBe('ExplicitlyDenied');
    expect(tls).toBe('Allowed');
  });
});
