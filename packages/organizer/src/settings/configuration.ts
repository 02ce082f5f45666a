import { isValidTimeZone } from '../core/date-policy/date-value.js';
import { DEFAULT_KEY_TEMPLATE, keyTemplateProblems } from '../core/key-template.js';

/** Everything the organizer can be told. Built once (cold start) and frozen. */
export interface Configuration {
  readonly destinationBucket: string;
  /** Prepended to every destination key; '' or ends with '/'. */
  readonly destinationPrefix: string;
  /** Only keys under this prefix are organized ('' = all); ends with '/' when set. */
  readonly sourcePrefix: string;
  readonly keyTemplate: string;
  readonly undated: 'undated' | 'upload-date';
  readonly defaultTimeZone: string;
  /** Delete the source after the copy is verified. */
  readonly move: boolean;
  /** Write `<key>.json` with the extracted metadata beside each copy. */
  readonly sidecar: boolean;
  readonly webhookUrl: string | undefined;
  /** Issue 18: seconds a companion (.xmp, .aae, Takeout .json, Live Photo video) waits for its primary before it is filed on its own. */
  readonly companionGraceSeconds: number;
  readonly readMode: 'random-access' | 'stream';
  /** Objects at least this large are copied with UploadPartCopy. */
  readonly multipartThresholdBytes: number;
  readonly multipartPartSizeBytes: number;
  readonly exiftool: {
    readonly perlPath: string;
    readonly libDir: string;
    /** The exiftool CLI script (stream mode). */
    readonly scriptPath: string;
    readonly serverScriptPath: string;
    readonly timeoutMs: number;
  };
  readonly s3: {
    readonly endpoint: string | undefined;
    readonly forcePathStyle: boolean;
    readonly region: string | undefined;
  };
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Raised with every problem of the configuration at once, so one deploy fixes them all. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const FIVE_GIB = 5 * 1024 ** 3;
const MIN_PART_BYTES = 5 * 1024 ** 2;

/** Defaults for the paths the Lambda layer provides. */
export const LAYER_PATHS = {
  perlPath: '/opt/bin/perl',
  libDir: '/opt/lib/perl5',
  scriptPath: '/opt/bin/exiftool',
  serverScriptPath: '/opt/lib/photo-organizer/exiftool-server.pl',
} as const;

/**
 * Reads the configuration from environment variables (the only place that does; the CLI passes
 * its flags under the same names), validates
 * everything and reports every problem in one {@link ConfigurationError}.
 *
 * @example
 * const configuration = loadConfiguration(process.env);
 */
export function loadConfiguration(
  environment: Environment,
  defaults: Partial<Environment> = {},
  options: { readonly requireDestination?: boolean } = {},
): Configuration {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = environment[name] ?? defaults[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = read(name) ?? fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
    return fallback;
  };
  const flag = (name: string): boolean => oneOf(name, ['true', 'false'], 'false') === 'true';
  const integer = (name: string, fallback: number, minimum: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < minimum) {
      problems.push(`${name} must be a whole number >= ${minimum}; got "${value}"`);
      return fallback;
    }
    return number;
  };
  const prefix = (name: string): string => {
    const value = read(name) ?? '';
    if (value.startsWith('/')) problems.push(`${name} must not start with "/" (S3 keys have no leading slash); got "${value}"`);
    return value === '' || value.endsWith('/') ? value : `${value}/`;
  };

  const destinationBucket = read('DESTINATION_BUCKET');
  if (!destinationBucket) {
    if (options.requireDestination !== false) problems.push('DESTINATION_BUCKET is required (the bucket organized copies go to)');
  }
  else if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(destinationBucket)) {
    problems.push(`DESTINATION_BUCKET is not a valid bucket name; got "${destinationBucket}"`);
  }
  const keyTemplate = read('KEY_TEMPLATE') ?? DEFAULT_KEY_TEMPLATE;
  for (const problem of keyTemplateProblems(keyTemplate)) problems.push(`KEY_TEMPLATE ${problem}; got "${keyTemplate}"`);
  const defaultTimeZone = read('DEFAULT_TIME_ZONE') ?? 'UTC';
  if (!isValidTimeZone(defaultTimeZone)) {
    problems.push(`DEFAULT_TIME_ZONE must be an IANA time zone such as Europe/Berlin or UTC; got "${defaultTimeZone}"`);
  }
  const webhookUrl = read('WEBHOOK_URL');
  if (webhookUrl && !isHttpUrl(webhookUrl)) problems.push('WEBHOOK_URL must be an http(s) URL');
  const endpoint = read('S3_ENDPOINT');
  if (endpoint && !isHttpUrl(endpoint)) problems.push(`S3_ENDPOINT must be an http(s) URL; got "${endpoint}"`);
  const multipartPartSizeBytes = integer('MULTIPART_PART_SIZE_BYTES', 256 * 1024 ** 2, MIN_PART_BYTES);
  const multipartThresholdBytes = integer('MULTIPART_THRESHOLD_BYTES', FIVE_GIB, 1);
  if (multipartThresholdBytes > FIVE_GIB) {
    problems.push(`MULTIPART_THRESHOLD_BYTES must be at most 5 GiB (CopyObject's limit); got ${multipartThresholdBytes}`);
  }

  const configuration: Configuration = {
    destinationBucket: destinationBucket ?? '',
    destinationPrefix: prefix('DESTINATION_PREFIX'),
    sourcePrefix: prefix('SOURCE_PREFIX'),
    keyTemplate,
    undated: oneOf('UNDATED', ['undated', 'upload-date'], 'undated'),
    defaultTimeZone,
    move: flag('MOVE'),
    sidecar: flag('SIDECAR'),
    webhookUrl,
    companionGraceSeconds: integer('COMPANION_GRACE_SECONDS', 120, 0),
    readMode: oneOf('READ_MODE', ['random-access', 'stream'], 'random-access'),
    multipartThresholdBytes,
    multipartPartSizeBytes,
    exiftool: {
      perlPath: read('EXIFTOOL_PERL') ?? LAYER_PATHS.perlPath,
      libDir: read('EXIFTOOL_LIB') ?? LAYER_PATHS.libDir,
      scriptPath: read('EXIFTOOL_SCRIPT') ?? LAYER_PATHS.scriptPath,
      serverScriptPath: read('EXIFTOOL_SERVER_SCRIPT') ?? LAYER_PATHS.serverScriptPath,
      timeoutMs: integer('EXIFTOOL_TIMEOUT_MS', 20_000, 100),
    },
    s3: {
      endpoint,
      forcePathStyle: flag('S3_FORCE_PATH_STYLE'),
      region: read('AWS_REGION'),
    },
    logLevel: oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return deepFreeze(configuration);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (child && typeof child === 'object') deepFreeze(child);
  return Object.freeze(value);
}
