// Runs the real terraform binary offline. AWS cannot be reached and the AWS provider cannot be
// downloaded, so the provider is the schema-only stand-in from tools/schema-provider.mjs (a mock
// of the provider process, not of Terraform), attached through TF_REATTACH_PROVIDERS.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSchemaProvider } from '../tools/schema-provider.mjs';

export const INFRA_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MODULE_DIRECTORY = join(INFRA_DIRECTORY, 'modules', 'photo-organizer');
export const LIVE_DIRECTORY = join(INFRA_DIRECTORY, 'live');
/** The roots a user copies (infra/examples/<name>), each with its own tests/<name>.tftest.hcl. */
export const EXAMPLE_NAMES = ['new-buckets', 'existing-bucket-eventbridge', 'one-bucket-prefixes'] as const;
export const exampleDirectory = (name: string) => join(INFRA_DIRECTORY, 'examples', name);
export const TERRAFORM = process.env.TERRAFORM ?? '/usr/local/bin/terraform';
export const TERRAFORM_MISSING = !existsSync(TERRAFORM);

export interface TerraformResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Terraform {
  /** Runs `terraform <args>` in `directory` with its own data directory (no .terraform in the tree). */
  run(directory: string, args: readonly string[]): Promise<TerraformResult>;
  /** `init` then `args`, the usual pair. */
  initAndRun(directory: string, args: readonly string[]): Promise<TerraformResult>;
  stop(): Promise<void>;
}

/** Starts the schema-only provider and returns a runner whose terraform uses it and nothing else. */
export async function startTerraform(): Promise<Terraform> {
  const provider = (await startSchemaProvider()) as { reattach: string; stop(): Promise<void> };
  const scratch = await mkdtemp(join(tmpdir(), 'infra-terraform-'));
  const cliConfiguration = join(scratch, 'terraform.rc');
  // Any provider not attached would be looked up in an empty mirror: never on the network.
  await writeFile(cliConfiguration, `provider_installation {\n  filesystem_mirror {\n    path = "${join(scratch, 'no-mirror')}"\n  }\n}\n`);
  const dataDirectories = new Map<string, string>();
  const environment = {
    ...process.env,
    TF_REATTACH_PROVIDERS: provider.reattach,
    TF_CLI_CONFIG_FILE: cliConfiguration,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    NO_COLOR: '1',
  };
  const run = (directory: string, args: readonly string[]) => {
    let dataDirectory = dataDirectories.get(directory);
    if (!dataDirectory) {
      dataDirectory = join(scratch, `data-${dataDirectories.size}`);
      dataDirectories.set(directory, dataDirectory);
    }
    // Asynchronous on purpose: the provider answers from this process's event loop.
    return new Promise<TerraformResult>((resolve) => {
      execFile(
        TERRAFORM,
        [...args],
        { cwd: directory, env: { ...environment, TF_DATA_DIR: dataDirectory }, maxBuffer: 256 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ exitCode, stdout, stderr });
        },
      );
    });
  };
  return {
    run,
    async initAndRun(directory, args) {
      const init = await run(directory, ['init', '-backend=false', '-input=false', '-no-color']);
      if (init.exitCode !== 0) return init;
      return run(directory, args);
    },
    async stop() {
      await provider.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Copies the module (with its tests and fixtures) to a temp directory for deliberate breakage. */
export async function copyModule(): Promise<{ directory: string; remove(): Promise<void> }> {
  const parent = await mkdtemp(join(tmpdir(), 'infra-broken-'));
  const directory = join(parent, 'photo-organizer');
  await cp(MODULE_DIRECTORY, directory, { recursive: true, filter: (source) => !source.includes('.terraform') });
  return { directory, remove: () => rm(parent, { recursive: true, force: true }) };
}

export interface TestRunState {
  readonly run: string;
  readonly outputs: Record<string, { value: unknown }>;
  readonly resources: readonly { address: string; type: string; values: Record<string, unknown> }[];
}

/** Parses `terraform test -json -verbose`: the state each `command = apply` run left behind. */
export function parseTestStates(stdout: string): TestRunState[] {
  const states: TestRunState[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as { '@testrun'?: string; test_state?: { outputs?: TestRunState['outputs']; root_module?: { resources?: TestRunState['resources'] } } };
    if (message.test_state && message['@testrun']) {
      states.push({ run: message['@testrun'], outputs: message.test_state.outputs ?? {}, resources: message.test_state.root_module?.resources ?? [] });
    }
  }
  return states;
}

/** The final `test_summary` of `terraform test -json`. */
export function parseTestSummary(stdout: string): { status: string; passed: number; failed: number; errored: number; skipped: number } | undefined {
  for (const line of stdout.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as { test_summary?: { status: string; passed: number; failed: number; errored: number; skipped: number } };
    if (message.test_summary) return message.test_summary;
  }
  return undefined;
}
