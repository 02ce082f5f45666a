import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configurationFromCli } from '../src/cli/flags.js';
import { ConfigurationError, loadConfiguration } from '../src/settings/configuration.js';
import { SETTINGS_TABLE_MARKERS, withSettingsTable } from '../src/settings/markdown.js';
import { SETTING_LIST } from '../src/settings/table.js';
import { terraformSettings } from '../src/settings/terraform.js';
import { isSupportedTimeZone, TIME_ZONES } from '../src/settings/time-zones.js';

const root = new URL('../../../', import.meta.url);
const problemsOf = (action: () => unknown): readonly string[] => {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
};

describe('the settings table and what is derived from it', () => {
  it('matches the committed Terraform variable (regenerate: pnpm --filter @photo-organizer/organizer generate:settings)', async () => {
    const committed = JSON.parse(await readFile(fileURLToPath(new URL('infra/modules/photo-organizer/organizer-settings.tf.json', root)), 'utf8'));
    expect(committed).toEqual(terraformSettings());
  });

  it('matches the README configuration table (regenerate: pnpm --filter @photo-organizer/organizer generate:settings)', async () => {
    const readme = await readFile(fileURLToPath(new URL('README.md', root)), 'utf8');
    expect(readme).toContain(SETTINGS_TABLE_MARKERS.begin);
    expect(withSettingsTable(readme)).toBe(readme);
  });

  it('gives Terraform every setting that has an organizer attribute, mapped to its environment variable', () => {
    const generated = terraformSettings() as { locals: { organizer_environment: Record<string, string> }; variable: { organizer: { type: string } } };
    const attributes = SETTING_LIST.flatMap((setting) => (setting.terraform && 'attribute' in setting.terraform ? [[setting.environment, setting.terraform.attribute]] : []));
    expect(attributes.length).toBeGreaterThan(5);
    for (const [environment, attribute] of attributes) {
      expect(generated.locals.organizer_environment[environment!]).toBe(`\${tostring(var.organizer.${attribute})}`);
      expect(generated.variable.organizer.type).toContain(`  ${attribute} = optional(`);
    }
  });

  it('has a default that passes its own rule for every setting', () => {
    expect(() => loadConfiguration({ DESTINATION_BUCKET: 'photos' })).not.toThrow();
  });
});

describe('time zones', () => {
  it('accepts IANA names Node knows, UTC, and the current names of renamed zones', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv']) expect(isSupportedTimeZone(zone), zone).toBe(true);
    expect(TIME_ZONES.length).toBeGreaterThan(400);
  });
  it('refuses misspellings, offsets and links', () => {
    for (const zone of ['Europe/Parris', '+02:00', 'US/Pacific', 'utc', '']) expect(isSupportedTimeZone(zone), zone).toBe(false);
  });
});

describe('messages name the setting as the user gave it', () => {
  it('names environment variables at cold start', () => {
    expect(problemsOf(() => loadConfiguration({ DESTINATION_BUCKET: 'photos', DEFAULT_TIME_ZONE: 'Europe/Parris' }))).toEqual([
      'DEFAULT_TIME_ZONE must be an IANA time zone such as Europe/Berlin, or UTC; got "Europe/Parris"',
    ]);
  });

  it('names the CLI flag, not the environment variable behind it', () => {
    const problems = problemsOf(() =>
      configurationFromCli({ flags: { 'time-zone': 'Europe/Parris', template: '{yyyy}/{foo}/{name}', 'read-mode': 'fast' }, environment: {} }, { requireDestination: false }),
    );
    expect(problems).toEqual([
      '--template unknown placeholder {foo} (known: {yyyy} {mm} {dd} {hh} {name} {stem} {ext} {dir}); got "{yyyy}/{foo}/{name}"',
      '--time-zone must be an IANA time zone such as Europe/Berlin, or UTC; got "Europe/Parris"',
      '--read-mode must be one of random-access, stream; got "fast"',
    ]);
  });

  it('lets a flag win over the environment, and the environment fill what no flag says', () => {
    const configuration = configurationFromCli(
      { flags: { 'time-zone': 'Europe/Paris', move: true, endpoint: 'http://127.0.0.1:9000' }, environment: { DEFAULT_TIME_ZONE: 'Asia/Tokyo', KEY_TEMPLATE: '{yyyy}/{name}' } },
      { requireDestination: false },
    );
    expect(configuration).toMatchObject({ defaultTimeZone: 'Europe/Paris', keyTemplate: '{yyyy}/{name}', move: true, s3: { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true } });
  });

  it('names --to for the destination the user typed', () => {
    const problems = problemsOf(() => configurationFromCli({ flags: {}, environment: {}, given: { destinationBucket: { value: 'Bad_Bucket', name: '--to' } } }));
    expect(problems).toEqual(['--to must be a valid S3 bucket name (3-63 lower-case letters, digits, ".", "-"); got "Bad_Bucket"']);
  });

  it('never echoes the webhook URL (it carries a token)', () => {
    const problems = problemsOf(() => loadConfiguration({ DESTINATION_BUCKET: 'photos', WEBHOOK_URL: 'ftp://secret-token@example.com' }));
    expect(problems).toEqual(['WEBHOOK_URL must be an http(s) URL']);
  });

  it('accepts {stem} instead of {name} everywhere (the one rule for templates)', () => {
    expect(loadConfiguration({ DESTINATION_BUCKET: 'photos', KEY_TEMPLATE: '{yyyy}/{stem}{ext}' }).keyTemplate).toBe('{yyyy}/{stem}{ext}');
    expect(problemsOf(() => loadConfiguration({ DESTINATION_BUCKET: 'photos', KEY_TEMPLATE: '{yyyy}/{mm}' }))[0]).toMatch(/^KEY_TEMPLATE must contain \{name\} or \{stem\}/);
  });
});
