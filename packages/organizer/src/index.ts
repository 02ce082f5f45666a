// The public API, by folder (docs/architecture.md): the pure core, the S3 adapters, the Lambda
// adapter, the orchestration, the settings.

// core/: decisions, no I/O
export { decideCaptureDate } from './core/date-policy/capture-date.js';
export type { CaptureDateContext, CaptureDateDecision, DateSource, MetadataTags, OffsetSource, RejectedCandidate } from './core/date-policy/capture-date.js';
export { dateSourceLabel } from './core/date-policy/date-source-labels.js';
export { DEFAULT_FIRMWARE_DEFAULT_DATES } from './core/date-policy/firmware-defaults.js';
export { DEFAULT_LOCAL_CLOCK_MAKERS } from './core/date-policy/video-dates.js';
export { formatWallClock, parseExifDate } from './core/date-policy/date-value.js';
export type { WallClock } from './core/date-policy/date-value.js';
export { dateFromFileName, readFileNameDate } from './core/date-policy/file-name-date.js';
export type { FileNameDate } from './core/date-policy/file-name-date.js';
export { DATE_POLICY_TAGS } from './core/date-policy/tags.js';
export { DEFAULT_KEY_TEMPLATE, renderKey } from './core/key-template.js';
export type { ExtractedMetadata } from './core/metadata.js';
export type { ContentHeaders, ObjectFacts, ObjectReference, PinnedObject } from './core/object-reference.js';
export { planObject, skipBeforeRead, TAGS_TO_READ } from './core/plan.js';
export type { MetadataFacts, Plan, PlanSettings } from './core/plan.js';
export { readFailureAction, isPermanentFailure } from './core/failure-policy.js';
export type { FailureAction, ReadFailureKind } from './core/failure-policy.js';
export { scopeSkipReason, SKIP_REASONS } from './core/skip-reasons.js';
export type { ScopeSettings, SkipReason } from './core/skip-reasons.js';
export {
  COPYABLE_STORAGE_CLASSES,
  copyStorageClass,
  decideAfterFailure,
  decideBeforeRead,
  deleteRefusedReason,
  OBJECT_STATE_REASONS,
  RESTORE_TIERS,
  sourceKeptReason,
} from './core/object-state.js';
export type { CopyableStorageClass, FailedOperation, ObjectStateFacts, ObjectStateReason, ObjectStateVerdict, RestoreTier, S3FailureFacts } from './core/object-state.js';
export { carriedAttributes, needsSourceTags } from './core/carried-attributes.js';
export type { CarriedAttributes, CarriedAttributesInput } from './core/carried-attributes.js';

// s3/: carrying a plan out against S3
export { createS3Client } from './s3/client.js';
export type { S3ClientSettings } from './s3/client.js';
export { createMetadataReader, readFailureKind } from './s3/metadata-reader.js';
export type { MetadataRead, MetadataReader, MetadataReaderOptions } from './s3/metadata-reader.js';

// lambda/: the function's entry point
export { decodeEventKey, encodeEventKey, MalformedEventError, parseEvent } from './lambda/events.js';
export type { BatchInvocation, ParsedEvent } from './lambda/events.js';
export { handler } from './lambda/handler.js';
export { createLogger, silentLogger } from './lambda/logger.js';
export type { Logger } from './lambda/logger.js';

// organize/: one object, many objects
export { createDependencies, exiftoolOptions } from './organize/dependencies.js';
export { organizeMany } from './organize/organize-many.js';
export type { Settled } from './organize/organize-many.js';
export { organizeObject } from './organize/organize-object.js';
export type { OrganizeDependencies, OrganizeOptions, Outcome } from './organize/organize-object.js';

// settings/: the one settings table and what is derived from it
export { ConfigurationError, LAYER_PATHS, loadConfiguration, resolveConfiguration } from './settings/configuration.js';
export type { Configuration, Environment, ProvidedValue, ResolveOptions } from './settings/configuration.js';
export { SETTING_LIST, SETTINGS } from './settings/table.js';
export type { Setting, SettingName, SettingRule, TerraformSource } from './settings/table.js';
export { ruleSentence, schemaFor } from './settings/rules.js';
export { isSupportedTimeZone, TIME_ZONES } from './settings/time-zones.js';
export { TERRAFORM_VARIABLE, terraformSettings } from './settings/terraform.js';
export { SETTINGS_TABLE_MARKERS, settingsMarkdownTable, withSettingsTable } from './settings/markdown.js';

// Issue 18: companion files and groups (core: names and Takeout rules; organize: the S3 side)
export {
  COMPANION_TAGS,
  companionKindOf,
  groupStem,
  mayFollow,
  mediaClassOf,
  parseTakeoutJson,
  primaryFor,
  primaryListPrefix,
  TAKEOUT_NAME_LIMIT,
  takeoutJsonNames,
  takeoutMediaFor,
  takeoutMediaPrefix,
} from './core/companions.js';
export type { CompanionKind, MediaClass, TakeoutMetadata } from './core/companions.js';
export { isMetadataDate, TAKEOUT_TAG, withTakeoutDate } from './core/takeout-date.js';
export type { GroupPlacement } from './core/plan.js';
export { groupLines } from './core/group-summary.js';
export type { FiledItem } from './core/group-summary.js';
export { cameraOf, CompanionWaitingError, resolveGroup } from './organize/companion-group.js';
export type { GroupContext, GroupResolution } from './organize/companion-group.js';
