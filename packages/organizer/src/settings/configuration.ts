import type { CopyableStorageClass, RestoreTier } from '../core/object-state.js';
import type { PlanSettings } from '../core/plan.js';
import { ruleSentence, schemaFor } from './rules.js';
import { type Setting, SETTING_LIST, SETTINGS, type SettingName } from './table.js';

/**
 * Everything the organizer can be told. Built once (cold start) and frozen. Rows of `SETTINGS`.
 * @example
 * const { destinationBucket, keyTemplate, s3 } = loadConfiguration(process.env);
 */
export interface Configuration extends PlanSettings {
  readonly destinationBucket: string;
  readonly webhookUrl: string | undefined;
  /** Issue 18: seconds a companion (.xmp, .aae, Takeout .json, Live Photo video) waits for its primary before it is filed on its own. */
  readonly companionGraceSeconds: number;
  readonly readMode: 'random-access' | 'stream';
  /** Objects of at least this many bytes are copied with UploadPartCopy. */
  readonly multipartThresholdBytes: number;
  /** Bytes per UploadPartCopy part. */
  readonly multipartPartSizeBytes: number;
  /** The copies' storage class (`STORAGE_CLASS`): `source` (the default) follows each source's class. */
  readonly storageClass: 'source' | CopyableStorageClass;
  /** Request a restore of archived sources with this tier (`RESTORE_TIER`); `off` (the default) only reports them. */
  readonly restoreTier: 'off' | RestoreTier;
  /** Days a restored GLACIER / DEEP_ARCHIVE copy stays readable (`RESTORE_DAYS`). */
  readonly restoreDays: number;
  readonly exiftool: {
    readonly perlPath: string;
    readonly libDir: string;
    /** The exiftool CLI script (stream mode). */
    readonly scriptPath: string;
    readonly serverScriptPath: string;
    /** Per object, ms. */
    readonly timeoutMs: number;
    /**
     * perl is killed above this resident size during a read (bytes): `EXIFTOOL_MEMORY_LIMIT_BYTES`,
     * else 60% of `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (Node and the copy need the rest), at least
     * 128 MiB (ordinary reads reach ~87 MiB); undefined outside Lambda (the exiftool package's default).
     */
    readonly memoryLimitBytes: number | undefined;
  };
  readonly s3: {
    readonly endpoint: string | undefined;
    readonly forcePathStyle: boolean;
    readonly region: string | undefined;
    /**
     * The store computes and returns object checksums (S3 does): copies are verified by checksum
     * before a source is deleted. `false` for S3-compatible stores without them: the organizer then
     * compares size and ETag. Env `S3_CHECKSUMS`. @default true
     */
    readonly checksums: boolean;
  };
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Environment variables by name (`process.env`).
 * @example
 * loadConfiguration({ DESTINATION_BUCKET: 'photos', DEFAULT_TIME_ZONE: 'Europe/Paris' } satisfies Environment);
 */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Raised with every problem of the configuration at once, so one deploy fixes them all. Each
 * problem names the setting as the user gave it (`DEFAULT_TIME_ZONE ...` from the environment,
 * `--time-zone ...` from the CLI).
 * @example
 * try { loadConfiguration(process.env); } catch (error) { if (error instanceof ConfigurationError) console.error(error.problems.join('\n')); }
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Defaults for the paths the Lambda layer provides.
 * @example
 * LAYER_PATHS.perlPath; // '/opt/bin/perl'
 */
export const LAYER_PATHS = {
  perlPath: SETTINGS.exiftoolPerl.default,
  libDir: SETTINGS.exiftoolLib.default,
  scriptPath: SETTINGS.exiftoolScript.default,
  serverScriptPath: SETTINGS.exiftoolServerScript.default,
} as const;

/**
 * A value given for a setting, and the name the user gave it by (an environment variable, a flag).
 * @example
 * const given: ProvidedValue = { value: 'Europe/Paris', name: '--time-zone' };
 */
export interface ProvidedValue {
  readonly value: string | undefined;
  /** `DEFAULT_TIME_ZONE`, `--time-zone`, `--to`: what error messages call the setting. */
  readonly name: string;
}

/**
 * Options of {@link resolveConfiguration} and {@link loadConfiguration}.
 * @example
 * loadConfiguration(process.env, {}, { requireDestination: false });
 */
export interface ResolveOptions {
  /** `plan` works on local files and needs no destination. @default true */
  readonly requireDestination?: boolean;
}

/**
 * Reads the configuration from environment variables (the function, once at cold start),
 * validates every setting of the table and reports every problem in one {@link ConfigurationError}.
 * `defaults` fill variables the environment does not set (the CLI's local exiftool paths).
 *
 * @throws ConfigurationError listing every problem, each naming its environment variable.
 * @example
 * const configuration = loadConfiguration(process.env);
 */
export function loadConfiguration(environment: Environment, defaults: Partial<Environment> = {}, options: ResolveOptions = {}): Configuration {
  return resolveConfiguration((_name, setting) => {
    const value = environment[setting.environment] ?? defaults[setting.environment];
    return value === undefined ? undefined : { value, name: setting.environment };
  }, options);
}

/**
 * Builds the configuration from whatever source `lookup` consults per setting (environment, CLI
 * flags); unset or blank values take the table's default.
 *
 * @throws ConfigurationError listing every problem, each naming the setting as `lookup` named it.
 * @example
 * resolveConfiguration((name, setting) => (name === 'defaultTimeZone' ? { value: 'Europe/Paris', name: '--time-zone' } : undefined), { requireDestination: false });
 */
export function resolveConfiguration(
  lookup: (name: SettingName, setting: Setting) => ProvidedValue | undefined,
  options: ResolveOptions = {},
): Configuration {
  const problems: string[] = [];
  const values: Partial<Record<SettingName, unknown>> = {};
  for (const setting of SETTING_LIST) {
    const provided = lookup(setting.name, setting);
    const name = provided?.name ?? setting.environment;
    const given = provided?.value?.trim();
    const text = given === undefined || given === '' ? setting.default : given;
    if (text === undefined) {
      const required = setting.required === true && !(setting.name === 'destinationBucket' && options.requireDestination === false);
      if (required) problems.push(`${name} is required (${setting.description})`);
      continue;
    }
    const parsed = schemaFor(setting.rule).safeParse(text);
    if (parsed.success) {
      values[setting.name] = parsed.data;
      continue;
    }
    const got = setting.secret ? '' : `; got "${text}"`;
    const messages = [...new Set(parsed.error.issues.map((issue) => issue.message || ruleSentence(setting.rule)))];
    for (const message of messages) problems.push(`${name} ${message}${got}`);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);

  const value = <T>(name: SettingName): T => values[name] as T;
  return deepFreeze<Configuration>({
    destinationBucket: value<string | undefined>('destinationBucket') ?? '',
    destinationPrefix: value('destinationPrefix'),
    sourcePrefix: value('sourcePrefix'),
    keyTemplate: value('keyTemplate'),
    undated: value('undated'),
    defaultTimeZone: value('defaultTimeZone'),
    move: value('move'),
    sidecar: value('sidecar'),
    webhookUrl: value('webhookUrl'),
    companionGraceSeconds: value('companionGraceSeconds'),
    readMode: value('readMode'),
    multipartThresholdBytes: value('multipartThresholdBytes'),
    multipartPartSizeBytes: value('multipartPartSizeBytes'),
    storageClass: value('storageClass'),
    restoreTier: value('restoreTier'),
    restoreDays: value('restoreDays'),
    exiftool: {
      perlPath: value('exiftoolPerl'),
      libDir: value('exiftoolLib'),
      scriptPath: value('exiftoolScript'),
      serverScriptPath: value('exiftoolServerScript'),
      timeoutMs: value('exiftoolTimeoutMs'),
      memoryLimitBytes: exiftoolMemoryLimit(value('exiftoolMemoryLimitBytes'), value('functionMemorySizeMb')),
    },
    s3: {
      endpoint: value('s3Endpoint'),
      forcePathStyle: value('s3ForcePathStyle'),
      region: value('awsRegion'),
      checksums: value('s3Checksums'),
    },
    logLevel: value('logLevel'),
  });
}

/** Share of the function's memory perl may use during a read: Node, the SDK and the copy need the rest. */
const EXIFTOOL_MEMORY_SHARE = 0.6;
/** Floor of the derived limit: the warm process's own restart bound (ordinary reads reach ~87 MiB). */
const EXIFTOOL_MEMORY_FLOOR_BYTES = 128 * 1024 * 1024;

/**
 * `EXIFTOOL_MEMORY_LIMIT_BYTES` when set, else 60% of the function's memory (at least 128 MiB).
 * @example
 * exiftoolMemoryLimit(undefined, 1024); // 644245094 (614 MiB)
 */
export function exiftoolMemoryLimit(explicitBytes: number | undefined, functionMemoryMb: number | undefined): number | undefined {
  if (explicitBytes !== undefined) return explicitBytes;
  if (functionMemoryMb === undefined) return undefined;
  return Math.max(EXIFTOOL_MEMORY_FLOOR_BYTES, Math.floor(functionMemoryMb * 1024 * 1024 * EXIFTOOL_MEMORY_SHARE));
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (child && typeof child === 'object') deepFreeze(child);
  return Object.freeze(value);
}
