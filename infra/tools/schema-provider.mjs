// A schema-only stand-in for hashicorp/aws, served over Terraform's plugin protocol 6 on loopback.
// The real provider cannot be downloaded here; Terraform validates configuration against the
// provider's schema, and `terraform test` with `mock_provider` needs nothing else, so serving the
// schema (rebuilt by generate-aws-schema.mjs) lets the real `terraform validate` / `test` run.
// Terraform attaches to it through its documented TF_REATTACH_PROVIDERS variable.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const here = dirname(fileURLToPath(import.meta.url));

export const AWS_PROVIDER_ADDRESS = 'registry.terraform.io/hashicorp/aws';

export function loadAwsSchema() {
  return JSON.parse(gunzipSync(readFileSync(join(here, 'aws-provider-schema.json.gz'))).toString('utf8'));
}

function toProtoBlock(block) {
  return {
    attributes: block.attributes.map((attribute) => ({ ...attribute, type: Buffer.from(JSON.stringify(attribute.type)) })),
    block_types: block.block_types.map((nested) => ({ ...nested, block: toProtoBlock(nested.block) })),
  };
}

const toProtoSchema = (schema) => ({ version: schema.version, block: toProtoBlock(schema.block) });

/**
 * Starts the provider on 127.0.0.1 and returns the TF_REATTACH_PROVIDERS value that points at it.
 * @example
 *   const provider = await startSchemaProvider();
 *   spawnSync('terraform', ['validate'], { env: { ...process.env, TF_REATTACH_PROVIDERS: provider.reattach } });
 *   await provider.stop();
 */
export async function startSchemaProvider() {
  const definition = protoLoader.loadSync(join(here, 'tfplugin6-subset.proto'), { keepCase: true, longs: Number, enums: String, defaults: true });
  const { tfplugin6 } = grpc.loadPackageDefinition(definition);
  const schema = loadAwsSchema();
  const schemaResponse = {
    provider: toProtoSchema(schema.provider),
    resource_schemas: Object.fromEntries(Object.entries(schema.resource_schemas).map(([name, value]) => [name, toProtoSchema(value)])),
    data_source_schemas: Object.fromEntries(Object.entries(schema.data_source_schemas).map(([name, value]) => [name, toProtoSchema(value)])),
    diagnostics: [],
    server_capabilities: { plan_destroy: true, get_provider_schema_optional: false },
  };
  const noDiagnostics = (_call, callback) => callback(null, { diagnostics: [] });
  const server = new grpc.Server();
  server.addService(tfplugin6.Provider.service, {
    GetProviderSchema: (_call, callback) => callback(null, schemaResponse),
    ValidateProviderConfig: noDiagnostics,
    ValidateResourceConfig: noDiagnostics,
    ValidateDataResourceConfig: noDiagnostics,
    ConfigureProvider: noDiagnostics,
    StopProvider: (_call, callback) => callback(null, { Error: '' }),
  });
  const port = await new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
  const reattach = JSON.stringify({
    [AWS_PROVIDER_ADDRESS]: {
      Protocol: 'grpc',
      ProtocolVersion: 6,
      Pid: process.pid,
      Test: true,
      Addr: { Network: 'tcp', String: `127.0.0.1:${port}` },
    },
  });
  return {
    port,
    reattach,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
