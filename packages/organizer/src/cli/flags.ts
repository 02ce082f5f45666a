import type { ParseArgsConfig } from 'node:util';
import { type Configuration, type Environment, type ProvidedValue, type ResolveOptions, resolveConfiguration } from '../settings/configuration.js';
import { SETTING_LIST, type SettingName } from '../settings/table.js';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The settings that have a CLI flag, from the settings table. */
const FLAGGED = SETTING_LIST.flatMap((setting) => ('flag' in setting && setting.flag ? [{ ...setting, flag: setting.flag }] : []));

/**
 * `parseArgs` options for every setting with a flag (`--time-zone` takes a value, `--move` is a switch).
 *
 * @example
 * parseArgs({ args, options: { ...settingFlagOptions(), json: { type: 'boolean' } } });
 */
export function settingFlagOptions(): OptionSpecs {
  return Object.fromEntries(FLAGGED.map((setting) => [setting.flag.slice(2), { type: setting.rule.kind === 'boolean' ? 'boolean' : 'string' }])) as OptionSpecs;
}

/**
 * The `--help` lines of the setting flags, from the table (description and default).
 *
 * @example
 * settingFlagHelp(); // ['  --template T  where a copy goes: ... (default {yyyy}-{mm}-{dd}/{name})', ...]
 */
export function settingFlagHelp(): string[] {
  const labels = FLAGGED.map((setting) => (setting.rule.kind === 'boolean' ? setting.flag : `${setting.flag} ${valueLabel(setting.name)}`));
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  return FLAGGED.map((setting, index) => {
    const fallback = 'default' in setting && setting.default && setting.rule.kind !== 'boolean' ? ` (default ${setting.default})` : '';
    return `  ${labels[index]!.padEnd(width)}${setting.description.replace(/`/g, '')}${fallback}`;
  });
}

function valueLabel(name: SettingName): string {
  return name === 'keyTemplate' ? 'T' : name === 'defaultTimeZone' ? 'Z' : name === 's3Endpoint' ? 'URL' : 'M';
}

export interface CliConfigurationInput {
  /** `parseArgs` values. */
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  /** Settings the command line gives in other forms (`--to s3://DEST/prefix`, the source URL), with the name the user typed. */
  readonly given?: Partial<Record<SettingName, ProvidedValue>>;
  /** `process.env`: settings not given on the command line still come from there. */
  readonly environment: Environment;
  /** Fallbacks by environment variable name (the local exiftool's paths). */
  readonly localDefaults?: Readonly<Record<string, string>>;
}

/**
 * The configuration of a CLI run: flags first (problems name the flag the user typed, e.g.
 * `--time-zone must be an IANA time zone ...`), then the environment, then local defaults, then
 * the table's defaults. `--endpoint` also turns on path-style addressing.
 *
 * @throws ConfigurationError listing every problem.
 * @example
 * configurationFromCli({ flags: { 'time-zone': 'Europe/Paris' }, environment: process.env }, { requireDestination: false });
 */
export function configurationFromCli(input: CliConfigurationInput, options: ResolveOptions = {}): Configuration {
  const flagged = new Map(FLAGGED.map((setting) => [setting.name, setting.flag]));
  return resolveConfiguration((name, setting) => {
    const given = input.given?.[name];
    if (given) return given;
    const flag = flagged.get(name);
    const flagValue = flag ? input.flags[flag.slice(2)] : undefined;
    if (flag && flagValue !== undefined) return { value: String(flagValue), name: flag };
    if (name === 's3ForcePathStyle' && input.flags.endpoint !== undefined) return { value: 'true', name: '--endpoint' };
    const value = input.environment[setting.environment] ?? input.localDefaults?.[setting.environment];
    return value === undefined ? undefined : { value, name: setting.environment };
  }, options);
}
