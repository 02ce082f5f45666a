import { DEFAULT_KEY_TEMPLATE } from '../core/key-template.js';
import { COPYABLE_STORAGE_CLASSES, RESTORE_TIERS } from '../core/object-state.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/**
 * What a value must look like. The same rule data drives the function's cold-start parsing, the
 * CLI's flags, the README table and the Terraform validations (see `rules.ts`, `terraform.ts`).
 * @example
 * ruleSentence({ kind: 'integer', minimum: 100, maximum: 900_000, unit: 'ms' }); // 'must be a whole number of ms from 100 to 900000'
 */
export type SettingRule =
  | { readonly kind: 'choice'; readonly values: readonly string[] }
  | { readonly kind: 'boolean' }
  /** A whole number in `[minimum, maximum]`, in `unit`. */
  | { readonly kind: 'integer'; readonly minimum: number; readonly maximum: number; readonly unit: 'bytes' | 'MB' | 'ms' | 'days' | 'seconds' }
  /** One of `TIME_ZONES` (IANA names Node's Intl knows, and UTC). */
  | { readonly kind: 'time-zone' }
  /** Placeholders from `KEY_TEMPLATE_PLACEHOLDERS`, {name} or {stem}, no leading "/". */
  | { readonly kind: 'key-template' }
  /** '' or a key prefix; no leading "/"; a trailing "/" is added. */
  | { readonly kind: 'prefix' }
  | { readonly kind: 'bucket' }
  | { readonly kind: 'http-url' }
  /** Any non-empty text (a path, a region). */
  | { readonly kind: 'text' };

/**
 * Where Terraform sets a setting from.
 * @example
 * const source: TerraformSource = { attribute: 'default_time_zone' }; // organizer = { default_time_zone = ... }
 */
export type TerraformSource =
  /** An attribute of the module's `organizer` object variable (declared by the generated `organizer-settings.tf.json`). */
  | { readonly attribute: string }
  /** Another module input, or a value the module fixes (the layer's paths). */
  | { readonly input: string };

/**
 * One row of the settings table.
 * @example
 * SETTINGS.defaultTimeZone; // { environment: 'DEFAULT_TIME_ZONE', flag: '--time-zone', terraform: { attribute: 'default_time_zone' }, rule: { kind: 'time-zone' }, default: 'UTC', ... }
 */
export interface Setting {
  /** The environment variable the function reads at cold start. */
  readonly environment: string;
  /** The CLI flag (`organize` and `plan`), when the CLI offers one. */
  readonly flag?: `--${string}`;
  readonly terraform?: TerraformSource;
  readonly rule: SettingRule;
  /** The default, as the environment variable would spell it; undefined: none (optional or required). */
  readonly default?: string;
  readonly required?: boolean;
  /** Never echo the value in an error message (it may carry a token). */
  readonly secret?: boolean;
  /** One line for the README and `--help`. */
  readonly description: string;
}

/**
 * Every setting of the organizer: the one table. Add a setting here (then map it into the
 * `Configuration` in `configuration.ts`) and run `pnpm --filter @photo-organizer/organizer
 * generate:settings` to regenerate the README table and the Terraform variable.
 * @example
 * SETTINGS.move.environment; // 'MOVE'
 */
export const SETTINGS = {
  destinationBucket: {
    environment: 'DESTINATION_BUCKET',
    terraform: { input: 'buckets.destination' },
    rule: { kind: 'bucket' },
    required: true,
    description: 'the bucket organized copies go to',
  },
  destinationPrefix: {
    environment: 'DESTINATION_PREFIX',
    terraform: { input: 'destination_prefix' },
    rule: { kind: 'prefix' },
    default: '',
    description: 'prepended to every key; required in one-bucket mode',
  },
  sourcePrefix: {
    environment: 'SOURCE_PREFIX',
    terraform: { input: 'source_prefix' },
    rule: { kind: 'prefix' },
    default: '',
    description: 'only keys under it are organized',
  },
  keyTemplate: {
    environment: 'KEY_TEMPLATE',
    flag: '--template',
    terraform: { attribute: 'key_template' },
    rule: { kind: 'key-template' },
    default: DEFAULT_KEY_TEMPLATE,
    description: 'where a copy goes: {yyyy} {mm} {dd} {hh} {name} {stem} {ext} {dir} (the source folder); must contain {name} or {stem}',
  },
  undated: {
    environment: 'UNDATED',
    flag: '--undated',
    terraform: { attribute: 'undated' },
    rule: { kind: 'choice', values: ['undated', 'upload-date'] },
    default: 'undated',
    description: '`undated` files without a capture date under `undated/`; `upload-date` uses S3 LastModified in the default zone',
  },
  defaultTimeZone: {
    environment: 'DEFAULT_TIME_ZONE',
    flag: '--time-zone',
    terraform: { attribute: 'default_time_zone' },
    rule: { kind: 'time-zone' },
    default: 'UTC',
    description: 'IANA zone for QuickTime/GPS UTC dates when the file has no offset',
  },
  move: {
    environment: 'MOVE',
    flag: '--move',
    terraform: { attribute: 'move' },
    rule: { kind: 'boolean' },
    default: 'false',
    description: 'delete the source after the copy is verified by checksum; only while it still has the copied ETag (`If-Match`), never a version',
  },
  sidecar: {
    environment: 'SIDECAR',
    flag: '--sidecar',
    terraform: { attribute: 'sidecar' },
    rule: { kind: 'boolean' },
    default: 'false',
    description: 'write `<key>.json` with the extracted metadata beside each copy',
  },
  webhookUrl: {
    environment: 'WEBHOOK_URL',
    terraform: { input: 'webhook_url' },
    rule: { kind: 'http-url' },
    secret: true,
    description: 'POSTed after organizing (retried; its failure never undoes anything)',
  },
  // Issue 18 (src/organize/companion-group.ts).
  companionGraceSeconds: {
    environment: 'COMPANION_GRACE_SECONDS',
    terraform: { attribute: 'companion_grace_seconds' },
    // A companion waits inside its invocation (default timeout 300 s); a longer wait fails the
    // invocation so that Lambda retries it, after 1 and 2 more minutes: beyond the timeout plus
    // those, the event lands in the failure destination (never silently).
    rule: { kind: 'integer', minimum: 0, maximum: 3600, unit: 'seconds' },
    default: '120',
    description: 'how long a companion (`.xmp`, `.aae`, Takeout `.json`, a Live Photo video) waits for its photo, from its upload, before it is filed on its own; keep it below the function timeout',
  },
  readMode: {
    environment: 'READ_MODE',
    flag: '--read-mode',
    terraform: { attribute: 'read_mode' },
    rule: { kind: 'choice', values: ['random-access', 'stream'] },
    default: 'random-access',
    description: '`random-access` (HTTP Range reads through a warm exiftool) or `stream` (sequential chunks into exiftool)',
  },
  multipartThresholdBytes: {
    environment: 'MULTIPART_THRESHOLD_BYTES',
    terraform: { attribute: 'multipart_threshold_bytes' },
    // CopyObject copies up to 5 GiB; below 5 MiB only makes sense in tests (one small part).
    rule: { kind: 'integer', minimum: 1, maximum: 5 * GiB, unit: 'bytes' },
    default: String(5 * GiB),
    description: 'objects this large are copied with parallel UploadPartCopy, resumed by the retry when an invocation runs out of time (at most 5 GiB, CopyObject\'s limit)',
  },
  multipartPartSizeBytes: {
    environment: 'MULTIPART_PART_SIZE_BYTES',
    terraform: { attribute: 'multipart_part_size_bytes' },
    // S3's part size limits: 5 MiB to 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
    rule: { kind: 'integer', minimum: 5 * MiB, maximum: 5 * GiB, unit: 'bytes' },
    default: String(256 * MiB),
    description: 'part size of those copies (S3 allows 5 MiB to 5 GiB; raised to fit 10,000 parts; larger objects are refused permanently)',
  },
  // Issue 21: the copies' storage class, and restores of archived sources.
  storageClass: {
    environment: 'STORAGE_CLASS',
    terraform: { attribute: 'storage_class' },
    rule: { kind: 'choice', values: ['source', ...COPYABLE_STORAGE_CLASSES] },
    default: 'source',
    description: "the copies' storage class; `source` follows each source's class (a STANDARD_IA upload stays STANDARD_IA)",
  },
  restoreTier: {
    environment: 'RESTORE_TIER',
    terraform: { attribute: 'restore_tier' },
    rule: { kind: 'choice', values: ['off', ...RESTORE_TIERS] },
    default: 'off',
    description: 'request a restore of archived sources with this retrieval tier; the restore-completed event organizes them (the Terraform module then grants `s3:RestoreObject` and adds that event to the trigger); `off` reports them only',
  },
  restoreDays: {
    environment: 'RESTORE_DAYS',
    terraform: { attribute: 'restore_days' },
    // RestoreObject's Days: how long the restored copy of a GLACIER / DEEP_ARCHIVE object stays readable.
    rule: { kind: 'integer', minimum: 1, maximum: 30, unit: 'days' },
    default: '1',
    description: 'days a restored GLACIER / DEEP_ARCHIVE copy stays readable (it is organized as soon as the restore completes)',
  },
  exiftoolPerl: {
    environment: 'EXIFTOOL_PERL',
    terraform: { input: 'the layer (fixed)' },
    rule: { kind: 'text' },
    default: '/opt/bin/perl',
    description: 'the perl interpreter',
  },
  exiftoolLib: {
    environment: 'EXIFTOOL_LIB',
    terraform: { input: 'the layer (fixed)' },
    rule: { kind: 'text' },
    default: '/opt/lib/perl5',
    description: 'the directory holding Image/ExifTool.pm',
  },
  exiftoolScript: {
    environment: 'EXIFTOOL_SCRIPT',
    terraform: { input: 'the layer (fixed)' },
    rule: { kind: 'text' },
    default: '/opt/bin/exiftool',
    description: 'the exiftool script (stream mode)',
  },
  exiftoolServerScript: {
    environment: 'EXIFTOOL_SERVER_SCRIPT',
    terraform: { input: 'the layer (fixed)' },
    rule: { kind: 'text' },
    default: '/opt/lib/photo-organizer/exiftool-server.pl',
    description: 'the random-access server script',
  },
  exiftoolTimeoutMs: {
    environment: 'EXIFTOOL_TIMEOUT_MS',
    terraform: { attribute: 'exiftool_timeout_ms' },
    // At most Lambda's own limit (900 s).
    rule: { kind: 'integer', minimum: 100, maximum: 900_000, unit: 'ms' },
    default: '20000',
    description: 'per object; a file that hits it is filed by name or as undated, not lost',
  },
  exiftoolMemoryLimitBytes: {
    environment: 'EXIFTOOL_MEMORY_LIMIT_BYTES',
    rule: { kind: 'integer', minimum: 64 * MiB, maximum: 10_240 * MiB, unit: 'bytes' },
    description: 'perl is killed above this resident size during a read (a decompression bomb) and the object is filed by name or as undated, not lost; unset: 60% of the function\'s memory (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`), at least 128 MiB; 512 MiB outside Lambda',
  },
  functionMemorySizeMb: {
    environment: 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
    terraform: { input: 'set by Lambda' },
    // Lambda's memory sizes: 128 to 10,240 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
    rule: { kind: 'integer', minimum: 128, maximum: 10_240, unit: 'MB' },
    description: 'the function\'s memory (Lambda sets it from `function.memory_size`); sizes exiftool\'s memory limit',
  },
  s3Endpoint: {
    environment: 'S3_ENDPOINT',
    flag: '--endpoint',
    rule: { kind: 'http-url' },
    description: 'an S3-compatible store (MinIO, R2, ...); the CLI\'s --endpoint also sets path-style addressing',
  },
  s3ForcePathStyle: {
    environment: 'S3_FORCE_PATH_STYLE',
    rule: { kind: 'boolean' },
    default: 'false',
    description: 'path-style addressing (`endpoint/bucket/key`), which most S3-compatible stores need',
  },
  s3Checksums: {
    environment: 'S3_CHECKSUMS',
    rule: { kind: 'boolean' },
    default: 'true',
    description: 'the store computes and returns object checksums (S3 does): copies are verified by checksum before a move deletes anything; `false` for stores without them (then size and ETag)',
  },
  awsRegion: {
    environment: 'AWS_REGION',
    terraform: { input: 'set by Lambda' },
    rule: { kind: 'text' },
    description: 'the region (Lambda sets it; elsewhere the SDK\'s usual sources)',
  },
  logLevel: {
    environment: 'LOG_LEVEL',
    terraform: { input: 'function.log_level' },
    rule: { kind: 'choice', values: ['debug', 'info', 'warn', 'error'] },
    default: 'info',
    description: 'one JSON line per object at info: source, target, dateSource, bytes fetched, requests, ms',
  },
} as const satisfies Record<string, Setting>;

/**
 * The name of a setting in {@link SETTINGS} (`defaultTimeZone`).
 * @example
 * const name: SettingName = 'keyTemplate';
 */
export type SettingName = keyof typeof SETTINGS;

/**
 * The settings in table order, with their names.
 * @example
 * SETTING_LIST.filter((setting) => setting.flag).map((setting) => setting.flag); // ['--template', '--undated', ...]
 */
export const SETTING_LIST: readonly (Setting & { readonly name: SettingName })[] = Object.entries(SETTINGS).map(
  ([name, setting]) => ({ ...(setting as Setting), name: name as SettingName }),
);
