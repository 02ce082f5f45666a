// Structural checks on the parsed HCL (@cdktn/hcl2json): what the configuration says, independent
// of any provider. Rendered values are checked in rendered-policies.test.ts.
import { parse } from '@cdktn/hcl2json';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { INFRA_DIRECTORY, LIVE_DIRECTORY, MODULE_DIRECTORY } from './terraform-harness.js';

type Block = Record<string, unknown>;
interface Configuration {
  resource: Record<string, Record<string, Block[]>>;
  variable: Record<string, Block[]>;
  output: Record<string, Block[]>;
  terraform: Block[];
  locals: Block[];
}

async function parseDirectory(directory: string): Promise<Configuration> {
  const merged: Configuration = { resource: {}, variable: {}, output: {}, terraform: [], locals: [] };
  for (const file of (await readdir(directory)).filter((name) => name.endsWith('.tf')).sort()) {
    const parsed = (await parse(file, await readFile(join(directory, file), 'utf8'))) as Partial<Configuration>;
    for (const [type, resources] of Object.entries(parsed.resource ?? {})) merged.resource[type] = { ...merged.resource[type], ...resources };
    Object.assign(merged.variable, parsed.variable);
    Object.assign(merged.output, parsed.output);
    merged.terraform.push(...(parsed.terraform ?? []));
    merged.locals.push(...(parsed.locals ?? []));
  }
  return merged;
}

const only = (blocks: Block[] | undefined): Block => {
  expect(blocks).toHaveLength(1);
  return blocks![0]!;
};

describe('the module as written', () => {
  let module: Configuration;
  let live: Configuration;

  beforeAll(async () => {
    module = await parseDirectory(MODULE_DIRECTORY);
    live = await parseDirectory(LIVE_DIRECTORY);
  });

  it('builds suffix filters from both cases of each extension', () => {
    // Prepare
    const suffixes = String(module.locals.find((block) => 'suffixes' in block)?.suffixes);
    const notification = only(module.resource.aws_s3_bucket_notification?.this);
    const rule = only((notification.dynamic as Record<string, Block[]>).lambda_function);

    // Assess
    expect(suffixes).toContain('lower(extension)');
    expect(suffixes).toContain('upper(extension)');
    expect(rule.for_each).toBe('${local.eventbridge ? [] : local.suffixes}');
    expect(only(rule.content as Block[]).filter_suffix).toContain('lambda_function.value');
  });

  it('scopes the invoke permission to the source bucket ARN and the account, or to the EventBridge rule', () => {
    // Prepare
    const permission = only(module.resource.aws_lambda_permission?.this);

    // Assess
    expect(permission).toMatchObject({
      principal: '${local.eventbridge ? "events.amazonaws.com" : "s3.amazonaws.com"}',
      action: 'lambda:InvokeFunction',
      source_arn: '${local.eventbridge ? local.eventbridge_rule_arn : local.source_bucket_arn}',
      source_account: '${local.eventbridge ? null : local.account_id}',
    });
  });

  it('gives bucket settings only to the buckets it creates: every aws_s3_bucket* resource but the notification iterates created_buckets', () => {
    // Prepare
    const bucketTypes = Object.keys(module.resource).filter((type) => type.startsWith('aws_s3_bucket') && type !== 'aws_s3_bucket_notification');

    // Assess
    expect(bucketTypes.length).toBeGreaterThanOrEqual(7);
    for (const type of bucketTypes) {
      for (const block of Object.values(module.resource[type]!).flat()) expect(String(block.for_each), type).toMatch(/local\.created_buckets( : \{\})?\}$/);
    }
    // The notification (the one setting of an existing bucket the module can own) exists only when allowed.
    expect(only(module.resource.aws_s3_bucket_notification?.this).count).toBe('${local.manage_notification ? 1 : 0}');
  });

  it('runs Node.js 22 or newer on arm64 by default', () => {
    // Prepare
    const functionVariable = only(module.variable.function);
    const lambda = only(module.resource.aws_lambda_function?.this);

    // Assess
    expect(String(functionVariable.type)).toContain('optional(string, "nodejs22.x")');
    expect(String(functionVariable.type)).toContain('optional(string, "arm64")');
    expect(lambda).toMatchObject({ runtime: '${var.function.runtime}', architectures: ['${var.function.architecture}'], handler: 'index.handler' });
  });

  it('keeps logs for a limited time', () => {
    expect(only(module.resource.aws_cloudwatch_log_group?.this)).toMatchObject({ retention_in_days: '${var.function.log_retention_days}' });
    expect(String(only(module.variable.function).type)).toMatch(/log_retention_days\s*=\s*optional\(number, 30\)/);
  });

  it('sends failed asynchronous events to the SQS queue', () => {
    // Prepare
    const invokeConfig = only(module.resource.aws_lambda_function_event_invoke_config?.this);
    const destination = only(invokeConfig.destination_config as Block[]);

    // Assess
    expect(only(destination.on_failure as Block[])).toEqual({ destination: '${aws_sqs_queue.this.arn}' });
  });

  it('makes every bucket private, owner-enforced, encrypted and TLS-only', () => {
    // Prepare
    const publicAccess = only(module.resource.aws_s3_bucket_public_access_block?.this);
    const ownership = only(module.resource.aws_s3_bucket_ownership_controls?.this);
    const forEach = ['aws_s3_bucket', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_policy'].map(
      (type) => only(module.resource[type]?.this).for_each,
    );

    // Assess
    expect(publicAccess).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(only(ownership.rule as Block[])).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    expect(new Set(forEach)).toEqual(new Set(['${local.created_buckets}']));
  });

  it('pins Terraform and the AWS provider in both configurations', () => {
    for (const configuration of [module, live]) {
      const terraform = only(configuration.terraform);
      const providers = only(terraform.required_providers as Block[]);
      expect(terraform.required_version).toMatch(/>= 1\.9/);
      expect(providers.aws).toMatchObject({ source: 'hashicorp/aws' });
      expect(String((providers.aws as Block).version)).toMatch(/6\./);
    }
  });

  it('gives every variable a type and a description, and prefixes every output by its resource', () => {
    // Prepare
    const prefixes = ['s3_bucket_', 'lambda_', 'iam_role_', 'cloudwatch_', 'sqs_queue_', 'batch_operations_', 'eventbridge_', 'sns_topic_', 'backfill'];

    // Assess
    for (const configuration of [module, live]) {
      for (const [name, blocks] of Object.entries(configuration.variable)) {
        expect(only(blocks), name).toHaveProperty('type');
        expect(String(only(blocks).description), name).not.toBe('');
      }
      for (const name of Object.keys(configuration.output)) expect(prefixes.some((prefix) => name.startsWith(prefix)), name).toBe(true);
    }
  });

  it('names the input in every validation message, as the user wrote it (source_bucket, trigger.type, ...)', () => {
    // Assess
    let validations = 0;
    for (const [name, blocks] of Object.entries(module.variable)) {
      for (const validation of (only(blocks).validation as Block[] | undefined) ?? []) {
        validations += 1;
        expect(String(validation.error_message), name).toContain(name);
      }
    }
    expect(validations).toBeGreaterThan(20);
  });

  it('uses only resource types the checked-in provider schema covers', async () => {
    // Prepare
    const schema = JSON.parse(gunzipSync(await readFile(join(INFRA_DIRECTORY, 'tools', 'aws-provider-schema.json.gz'))).toString('utf8')) as { resource_schemas: Record<string, unknown> };
    const used = Object.keys(module.resource);

    // Assess: a new type needs `node infra/tools/generate-aws-schema.mjs` (add it to RESOURCE_TYPES).
    expect(used.filter((type) => !(type in schema.resource_schemas))).toEqual([]);
    expect(used.length).toBeGreaterThan(10);
  });

  it('documents every input and output in the module README', async () => {
    // Prepare
    const readme = await readFile(join(MODULE_DIRECTORY, 'README.md'), 'utf8');

    // Assess
    for (const name of [...Object.keys(module.variable), ...Object.keys(module.output)]) expect(readme, name).toContain(`| \`${name}\` |`);
  });

  it('reads the zips that make layer builds, by default', () => {
    // Prepare
    const locals = Object.assign({}, ...live.locals) as Record<string, string>;

    // Assess
    expect(locals.function_package).toContain('/packages/organizer/dist/lambda/function.zip');
    expect(locals.layer_package).toContain('/layer-build/dist/exiftool-layer-${var.architecture}.zip');
    expect(locals.repository_root).toBe('${path.root}/../..');
  });
});
