#!/usr/bin/env node
// Rebuilds the part of the AWS provider schema this repository's Terraform uses, offline-friendly:
// the provider binary cannot be downloaded here, but `@cdktn/provider-aws` ships a jsii assembly
// generated from the provider's own schema. Run when the module starts using a new resource type:
//
//   node infra/tools/generate-aws-schema.mjs            # npm pack the pinned version into a temp dir
//   node infra/tools/generate-aws-schema.mjs path/.jsii # or read an unpacked assembly
//
// Output: infra/tools/aws-provider-schema.json.gz (checked in, deterministic for the same input).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Pinned input: @cdktn/provider-aws 25.7.0 was generated from hashicorp/aws 6.66.0 (its package.json `cdktn.provider`). */
export const SOURCE_PACKAGE = '@cdktn/provider-aws@25.7.0';
export const PROVIDER_VERSION = '6.66.0';

/** The resource and data source types the modules use (keep in step with infra/**.tf). */
export const RESOURCE_TYPES = [
  'aws_s3_bucket',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_notification',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_lambda_function',
  'aws_lambda_layer_version',
  'aws_lambda_permission',
  'aws_lambda_function_event_invoke_config',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_metric_alarm',
  'aws_sqs_queue',
  'aws_sqs_queue_policy',
  'aws_cloudwatch_event_rule',
  'aws_cloudwatch_event_target',
  'aws_sns_topic',
  'aws_sns_topic_subscription',
];
export const DATA_SOURCE_TYPES = ['aws_caller_identity', 'aws_partition', 'aws_region', 'aws_s3_bucket'];

const OPTIONAL_COMPUTED = new Set(['id', 'region', 'tags_all']);

const here = dirname(fileURLToPath(import.meta.url));
const outputPath = join(here, 'aws-provider-schema.json.gz');

function loadAssembly(argumentPath) {
  if (argumentPath) return JSON.parse(readFileSync(argumentPath, 'utf8'));
  const directory = mkdtempSync(join(tmpdir(), 'aws-schema-'));
  try {
    const tarball = execFileSync('npm', ['pack', SOURCE_PACKAGE, '--silent'], { cwd: directory, encoding: 'utf8' }).trim();
    execFileSync('tar', ['xzf', tarball, 'package/.jsii'], { cwd: directory });
    return JSON.parse(readFileSync(join(directory, 'package', '.jsii'), 'utf8'));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const snake = (name) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The Terraform name sits in the docs link anchor (`...#filter_suffix ...`); fall back to snake_case. */
function terraformName(property) {
  const match = /#([a-z0-9_]+) /.exec(property.docs?.summary ?? '');
  return match ? match[1] : snake(property.name);
}

function withoutResolvable(type) {
  if (type.union) {
    const members = type.union.types.filter((member) => member.fqn !== 'cdktn.IResolvable');
    return members.length === 1 ? withoutResolvable(members[0]) : { primitive: 'any' };
  }
  return type;
}

function ctyType(type, types) {
  const plain = withoutResolvable(type);
  if (plain.primitive) {
    return { string: 'string', number: 'number', boolean: 'bool', any: 'dynamic', json: 'dynamic', date: 'string' }[plain.primitive];
  }
  if (plain.collection) {
    const element = ctyType(plain.collection.elementtype, types);
    if (element === undefined) return undefined;
    return [plain.collection.kind === 'map' ? 'map' : 'list', element];
  }
  return undefined; // a nested block (interface), handled by the caller
}

/** Converts a jsii config interface into a tfplugin6-shaped block ({ attributes, block_types }). */
function blockFrom(interfaceFqn, types, classFqn) {
  const attributes = [];
  const blockTypes = [];
  const seen = new Set();
  const collect = (fqn) => {
    const definition = types[fqn];
    for (const parent of definition.interfaces ?? []) if (types[parent]) collect(parent);
    for (const property of definition.properties ?? []) {
      const name = terraformName(property);
      if (seen.has(name)) continue;
      seen.add(name);
      const plain = withoutResolvable(property.type);
      const nestedFqn = plain.fqn ?? plain.collection?.elementtype?.fqn;
      if (nestedFqn && types[nestedFqn]?.kind === 'interface') {
        const single = Boolean(plain.fqn);
        blockTypes.push({
          type_name: name,
          nesting: 'LIST',
          min_items: property.optional ? 0 : 1,
          max_items: single ? 1 : 0,
          block: blockFrom(nestedFqn, types),
        });
        continue;
      }
      const type = ctyType(property.type, types);
      if (type === undefined) continue;
      attributes.push({
        name,
        type,
        required: !property.optional,
        optional: Boolean(property.optional),
        // jsii does not say which optional arguments the provider fills in (Optional+Computed);
        // only the ones every resource has are marked, so an unset argument plans as null.
        computed: Boolean(property.optional) && OPTIONAL_COMPUTED.has(name),
      });
    }
  };
  collect(interfaceFqn);
  if (classFqn) {
    // Read-only primitive getters without an `<name>Input` twin are computed-only attributes (arn, ...).
    const properties = types[classFqn].properties ?? [];
    const inputs = new Set(properties.filter((property) => property.name.endsWith('Input')).map((property) => property.name.slice(0, -5)));
    for (const property of properties) {
      if (property.static || !property.immutable || property.name.endsWith('Input') || inputs.has(property.name)) continue;
      const name = snake(property.name);
      if (seen.has(name)) continue;
      const type = ctyType(property.type, types);
      if (type === undefined) continue; // computed nested objects are not needed by our configuration
      seen.add(name);
      attributes.push({ name, type, required: false, optional: false, computed: true });
    }
  }
  attributes.sort((left, right) => left.name.localeCompare(right.name));
  blockTypes.sort((left, right) => left.type_name.localeCompare(right.type_name));
  return { attributes, block_types: blockTypes };
}

function findClass(types, kind, typeName) {
  const page = `/docs/${kind}/${typeName.replace(/^aws_/, '')} `;
  const matches = Object.values(types).filter(
    (definition) => definition.kind === 'class' && definition.docs?.summary?.startsWith('Represents a {@link') && definition.docs.summary.includes(page),
  );
  if (matches.length !== 1) throw new Error(`${typeName}: expected one class in the assembly, found ${matches.length}`);
  return matches[0];
}

export function buildSchema(assembly) {
  const { types } = assembly;
  const schemaFor = (kind, typeName) => {
    const definition = findClass(types, kind, typeName);
    return { version: 0, block: blockFrom(`${definition.fqn}Config`, types, definition.fqn) };
  };
  const providerBlock = blockFrom('@cdktn/provider-aws.provider.AwsProviderConfig', types);
  providerBlock.attributes = providerBlock.attributes.filter((attribute) => attribute.name !== 'alias');
  return {
    source: SOURCE_PACKAGE,
    provider_version: PROVIDER_VERSION,
    provider: { version: 0, block: providerBlock },
    resource_schemas: Object.fromEntries(RESOURCE_TYPES.map((type) => [type, schemaFor('resources', type)])),
    data_source_schemas: Object.fromEntries(DATA_SOURCE_TYPES.map((type) => [type, schemaFor('data-sources', type)])),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const schema = buildSchema(loadAssembly(process.argv[2]));
  const json = `${JSON.stringify(schema, null, 1)}\n`;
  writeFileSync(outputPath, gzipSync(json, { level: 9 }));
  console.log(`${outputPath}: ${Object.keys(schema.resource_schemas).length} resources, ${Object.keys(schema.data_source_schemas).length} data sources, ${json.length} bytes of JSON`);
}
