import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXAMPLE_NAMES,
  INFRA_DIRECTORY,
  LIVE_DIRECTORY,
  MODULE_DIRECTORY,
  TERRAFORM,
  TERRAFORM_MISSING,
  type Terraform,
  copyModule,
  exampleDirectory,
  parseTestSummary,
  startTerraform,
} from './terraform-harness.js';

if (TERRAFORM_MISSING) console.warn(`Skipping the terraform suite: no terraform binary at ${TERRAFORM} (set TERRAFORM=...).`);

const countRuns = async (file: string) => ((await readFile(file, 'utf8')).match(/^run "/gm) ?? []).length;

describe.skipIf(TERRAFORM_MISSING)('terraform, offline with the schema-only AWS provider', () => {
  let terraform: Terraform;

  beforeAll(async () => {
    terraform = await startTerraform();
  });

  afterAll(async () => {
    await terraform?.stop();
  });

  it('finds every file formatted (terraform fmt -check)', async () => {
    // Act
    const results = await Promise.all(['modules', 'live', 'examples'].map((directory) => terraform.run(join(INFRA_DIRECTORY, directory), ['fmt', '-check', '-recursive', '-diff'])));

    // Assess
    for (const result of results) expect(result, result.stdout).toMatchObject({ exitCode: 0 });
  });

  it.each([
    ['the module', MODULE_DIRECTORY],
    ['the root configuration', LIVE_DIRECTORY],
    ...EXAMPLE_NAMES.map((name) => [`the example ${name}`, exampleDirectory(name)]),
  ])('validates %s against the AWS provider schema', async (_name, directory) => {
    // Act
    const result = await terraform.initAndRun(directory, ['validate', '-json']);

    // Assess
    const report = JSON.parse(result.stdout) as { valid: boolean; error_count: number; diagnostics: unknown[] };
    expect(report.diagnostics).toEqual([]);
    expect(report).toMatchObject({ valid: true, error_count: 0 });
  });

  it.each<[string, string, string[]]>([
    ['the module', MODULE_DIRECTORY, ['tests/photo-organizer.tftest.hcl', 'tests/organizer-settings.tftest.hcl']],
    ['the root configuration', LIVE_DIRECTORY, ['tests/live.tftest.hcl']],
    ...EXAMPLE_NAMES.map((name) => [`the example ${name}`, exampleDirectory(name), [`tests/${name}.tftest.hcl`]] as [string, string, string[]]),
  ])('passes every terraform test run of %s (mock_provider)', async (_name, directory, testFiles) => {
    // Prepare
    const runs = (await Promise.all(testFiles.map((testFile) => countRuns(join(directory, testFile))))).reduce((sum, count) => sum + count, 0);

    // Act
    const result = await terraform.initAndRun(directory, ['test', '-json']);

    // Assess
    expect(parseTestSummary(result.stdout), result.stdout.slice(-4000)).toEqual({ status: 'pass', passed: runs, failed: 0, errored: 0, skipped: 0 });
    expect(runs).toBeGreaterThan(0);
  });

  it('refuses invalid organizer settings at plan, naming the attribute the user wrote', async () => {
    // Prepare: the same runs as tests/organizer-settings.tftest.hcl, without expect_failures, so
    // terraform prints the validation messages (the generated ones from the settings table).
    const copy = await copyModule();
    const settingsTest = await readFile(join(copy.directory, 'tests', 'organizer-settings.tftest.hcl'), 'utf8');
    const header = settingsTest.slice(0, settingsTest.indexOf('run "'));
    await rm(join(copy.directory, 'tests'), { recursive: true, force: true });
    for (const kept of ['fixtures', 'mocks']) await cp(join(MODULE_DIRECTORY, 'tests', kept), join(copy.directory, 'tests', kept), { recursive: true });
    // One file per run: after a failed run terraform skips the rest of its file.
    const runs = { misspelt_zone: 'default_time_zone = "Europe/Parris"', unknown_placeholder: 'key_template = "{yyyy}/{foo}/{name}"' };
    for (const [run, setting] of Object.entries(runs)) {
      await writeFile(
        join(copy.directory, 'tests', `${run}.tftest.hcl`),
        `${header}run "${run}" {\n  command = plan\n  variables {\n    organizer = { ${setting} }\n  }\n}\n`,
      );
    }

    try {
      // Act
      const result = await terraform.initAndRun(copy.directory, ['test', '-no-color']);

      // Assess
      const output = `${result.stdout}\n${result.stderr}`.replace(/\s+/g, ' ');
      expect(result.exitCode).toBe(1);
      expect(output).toContain('organizer.default_time_zone must be an IANA time zone such as Europe/Berlin, or UTC.');
      expect(output).toContain('organizer.key_template may only use the placeholders {yyyy} {mm} {dd} {hh} {name} {stem} {ext} {dir}');
      expect(output).toMatch(/run "misspelt_zone"\.+ fail/);
      expect(output).toMatch(/run "unknown_placeholder"\.+ fail/);
    } finally {
      await copy.remove();
    }
  });

  describe('a deliberately broken copy of the module', () => {
    it('fails validate and test on a misspelled attribute', async () => {
      // Prepare
      const copy = await copyModule();
      const file = join(copy.directory, 'notifications.tf');
      const original = await readFile(file, 'utf8');
      const broken = original.replace('filter_suffix       =', 'filter_sufix        =');
      expect(broken).not.toBe(original);
      await writeFile(file, broken);

      try {
        // Act
        const validate = await terraform.initAndRun(copy.directory, ['validate', '-no-color']);
        const test = await terraform.run(copy.directory, ['test', '-no-color']);

        // Assess
        expect(validate.exitCode).toBe(1);
        expect(validate.stderr).toContain('An argument named "filter_sufix" is not expected here. Did you mean');
        expect(validate.stderr).toContain('"filter_suffix"?');
        expect(test.exitCode).toBe(1);
        expect(test.stderr).toContain('filter_sufix');
      } finally {
        await copy.remove();
      }
    });

    it('fails validate and test on a missing required argument', async () => {
      // Prepare
      const copy = await copyModule();
      const file = join(copy.directory, 'lambda.tf');
      const original = await readFile(file, 'utf8');
      const broken = original.replace(/^ {2}role {2,}= aws_iam_role\.this\.arn\n/m, '');
      expect(broken).not.toBe(original);
      await writeFile(file, broken);

      try {
        // Act
        const validate = await terraform.initAndRun(copy.directory, ['validate', '-no-color']);
        const test = await terraform.run(copy.directory, ['test', '-no-color']);

        // Assess
        expect(validate.exitCode).toBe(1);
        expect(validate.stderr).toMatch(/The argument "role" is required, but no definition\s+was found\./);
        expect(test.exitCode).toBe(1);
        expect(test.stderr).toContain('"role" is required');
      } finally {
        await copy.remove();
      }
    });
  });
});
