import {
  DeleteObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ExiftoolError, type MetadataResult } from '@photo-organizer/exiftool';
import { ObjectNotFoundError, S3RangeReaderError } from '@photo-organizer/s3-range-reader';
import { type CaptureDateDecision, decideCaptureDate } from '../core/date-policy/capture-date.js';
import type { Configuration } from '../settings/configuration.js';
import { copyObject, type SourceObject } from '../s3/copy-object.js';
import { decisionMetadata, ORGANIZED_BY } from '../core/copy-metadata.js';
import { formatWallClock } from '../core/date-policy/date-value.js';
import type { ObjectReference } from '../lambda/events.js';
import { joinKey, numberedKey, renderKey } from '../core/key-template.js';
import type { Logger } from '../lambda/logger.js';
import { unsupportedReason } from '../core/media-type.js';
import type { MetadataReader } from '../s3/metadata-reader.js';
import { isNotFound, isWriteConflict } from '../s3/s3-errors.js';

export type SkipReason =
  | 'own-output'
  | 'outside-source-prefix'
  | 'same-bucket-without-prefix'
  | 'folder-marker'
  | 'object-gone'
  | 'already-organized'
  | 'unsupported-file-type';

export type Outcome =
  | {
      readonly status: 'organized';
      readonly source: string;
      readonly target: string;
      readonly targetKey: string;
      /** false when an identical copy was already there (repeated event, re-run). */
      readonly copied: boolean;
      readonly captureDate: string | null;
      readonly dateSource: CaptureDateDecision['dateSource'];
      readonly size: number;
      readonly bytesFetched: number;
      readonly requests: number;
      readonly ms: number;
      readonly moved: boolean;
      readonly metadataError?: string;
    }
  | { readonly status: 'skipped'; readonly source: string; readonly reason: SkipReason; readonly detail?: string };

export interface OrganizeDependencies {
  readonly client: S3Client;
  readonly configuration: Configuration;
  readonly metadataReader: MetadataReader;
  readonly logger: Logger;
}

export interface OrganizeOptions {
  /** Decide and report, write nothing. */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}

/** Different photos with one name on one day: name, name-1, name-2, ... up to this many. */
const MAX_NUMBERED_NAMES = 10_000;

/**
 * Files one object under its capture date: HEAD, read the metadata through exiftool over Range
 * requests, decide the date, then copy server-side without ever overwriting.
 * Returns a `skipped` outcome for permanent reasons; throws what a retry may fix.
 */
export async function organizeObject(
  reference: ObjectReference,
  dependencies: OrganizeDependencies,
  options: OrganizeOptions = {},
): Promise<Outcome> {
  const started = performance.now();
  const { client, configuration, logger } = dependencies;
  const source = `s3://${reference.bucket}/${reference.key}`;
  const skip = (reason: SkipReason, detail?: string): Outcome => {
    const outcome: Outcome = { status: 'skipped', source, reason, ...(detail ? { detail } : {}) };
    logger.info('skipped', { ...outcome });
    return outcome;
  };

  const ignored = ignoreReason(reference, configuration);
  if (ignored) return skip(ignored);

  let head: HeadObjectCommandOutput;
  try {
    head = await client.send(
      new HeadObjectCommand({ Bucket: reference.bucket, Key: reference.key, VersionId: reference.versionId }),
      { abortSignal: options.signal },
    );
  } catch (error) {
    if (isNotFound(error)) return skip('object-gone', 'deleted before it could be organized');
    throw error;
  }
  if (head.Metadata?.['organized-by'] === ORGANIZED_BY) return skip('already-organized', 'this object is a copy made by the organizer');
  const size = head.ContentLength ?? 0;
  const eTag = head.ETag ?? '';
  const version: SourceObject = {
    bucket: reference.bucket,
    key: reference.key,
    versionId: reference.versionId ?? (head.VersionId && head.VersionId !== 'null' ? head.VersionId : undefined),
    eTag,
    size,
  };

  // Metadata: nothing to read in an empty object; exiftool failures leave the file undated, not lost.
  let metadata: MetadataResult = { tags: {}, warnings: [] };
  let stats = { bytesFetched: 0, requests: 0 };
  let metadataError: string | undefined;
  if (size > 0) {
    try {
      const read = await dependencies.metadataReader.read({ client, ...version }, options.signal);
      metadata = read.result;
      stats = read.stats;
    } catch (error) {
      if (error instanceof ObjectNotFoundError || hasCause(error, ObjectNotFoundError)) {
        return skip('object-gone', 'deleted while being read');
      }
      // S3 faults (after the reader's retries), aborts and bugs go up for a retry; exiftool's own
      // failures (timeout, crash, garbage output) will repeat, so the file is filed without metadata.
      const s3Fault = error instanceof S3RangeReaderError || hasCause(error, S3RangeReaderError);
      if (!(error instanceof ExiftoolError) || s3Fault || options.signal?.aborted) throw error;
      metadataError = `${error.name}: ${error.message}`;
      logger.warn('metadata unreadable, filing by name or as undated', { source, error: metadataError });
    }
    const unsupported = metadataError ? undefined : unsupportedReason(metadata);
    if (unsupported) return skip('unsupported-file-type', unsupported);
  }

  const fileName = reference.key.slice(reference.key.lastIndexOf('/') + 1);
  const decision = decideCaptureDate(metadata.tags, {
    fileName,
    ...(head.LastModified ? { uploadedAt: head.LastModified } : {}),
    defaultTimeZone: configuration.defaultTimeZone,
    undated: configuration.undated,
  });
  const relativeDir = dirBelowPrefix(reference.key, configuration.sourcePrefix);
  const key = joinKey(
    configuration.destinationPrefix,
    renderKey(configuration.keyTemplate, { fileName, dir: relativeDir, captureDate: decision.dated ? decision.captureDate : undefined }),
  );
  const make = textTag(metadata.tags, 'Make');
  const model = textTag(metadata.tags, 'Model');
  const userMetadata = decisionMetadata({ decision, source: version, make, model, sourceMetadata: head.Metadata });

  const placed = options.dryRun
    ? { key, copied: false }
    : await placeCopy(client, configuration, version, key, head, userMetadata, options.signal);

  if (!options.dryRun && configuration.sidecar) {
    await writeSidecar(client, configuration.destinationBucket, placed.key, { source: version, decision, metadata, make, model });
  }
  const moved = !options.dryRun && configuration.move ? await deleteSourceAfterVerifying(client, configuration, version, placed.key) : false;

  const outcome: Outcome = {
    status: 'organized',
    source,
    target: `s3://${configuration.destinationBucket}/${placed.key}`,
    targetKey: placed.key,
    copied: placed.copied,
    captureDate: decision.dated ? formatWallClock(decision.captureDate) : null,
    dateSource: decision.dateSource,
    size,
    bytesFetched: stats.bytesFetched,
    requests: stats.requests,
    ms: Math.round(performance.now() - started),
    moved,
    ...(metadataError ? { metadataError } : {}),
  };
  logger.info(options.dryRun ? 'planned' : 'organized', {
    ...outcome,
    ...(decision.dated ? { dateTag: decision.tag } : {}),
    ...(decision.rejected.length > 0 ? { rejectedDates: decision.rejected } : {}),
    ...(metadata.warnings.length > 0 ? { exiftoolWarnings: metadata.warnings.slice(0, 5) } : {}),
  });
  return outcome;
}

/** Records the function must not act on: its own output (the loop guard) and keys outside its scope. */
export function ignoreReason(reference: ObjectReference, configuration: Configuration): SkipReason | undefined {
  if (reference.bucket === configuration.destinationBucket) {
    if (configuration.destinationPrefix === '') return 'same-bucket-without-prefix';
    if (reference.key.startsWith(configuration.destinationPrefix)) return 'own-output';
  }
  if (configuration.sourcePrefix && !reference.key.startsWith(configuration.sourcePrefix)) return 'outside-source-prefix';
  if (reference.key.endsWith('/')) return 'folder-marker';
  return undefined;
}

async function placeCopy(
  client: S3Client,
  configuration: Configuration,
  source: SourceObject,
  key: string,
  head: HeadObjectCommandOutput,
  metadata: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<{ key: string; copied: boolean }> {
  for (let index = 0; index < MAX_NUMBERED_NAMES; index++) {
    const candidate = index === 0 ? key : joinKey('', numberedKey(key, index));
    const existing = await headOrUndefined(client, configuration.destinationBucket, candidate, signal);
    if (existing) {
      if (isSameContent(existing, source)) return { key: candidate, copied: false };
      continue;
    }
    try {
      await copyObject({
        client,
        source,
        bucket: configuration.destinationBucket,
        key: candidate,
        contentHeaders: {
          ContentType: head.ContentType,
          CacheControl: head.CacheControl,
          ContentDisposition: head.ContentDisposition,
          ContentEncoding: head.ContentEncoding,
          ContentLanguage: head.ContentLanguage,
        },
        metadata,
        multipartThresholdBytes: configuration.multipartThresholdBytes,
        partSizeBytes: configuration.multipartPartSizeBytes,
        ...(signal ? { signal } : {}),
      });
      return { key: candidate, copied: true };
    } catch (error) {
      // Another invocation wrote this key between our HEAD and our copy: look at it again.
      if (isWriteConflict(error) && (await headOrUndefined(client, configuration.destinationBucket, candidate, signal))) {
        index--;
        continue;
      }
      throw error;
    }
  }
  throw new Error(`more than ${MAX_NUMBERED_NAMES} different files named like ${key}`);
}

/** The target holds these bytes when its ETag or our recorded source ETag says so, at the same size. */
function isSameContent(target: HeadObjectCommandOutput, source: SourceObject): boolean {
  if ((target.ContentLength ?? -1) !== source.size) return false;
  const sourceTag = source.eTag.replace(/"/g, '');
  return target.ETag?.replace(/"/g, '') === sourceTag || target.Metadata?.['source-etag'] === sourceTag;
}

async function headOrUndefined(client: S3Client, bucket: string, key: string, signal: AbortSignal | undefined) {
  try {
    return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function deleteSourceAfterVerifying(
  client: S3Client,
  configuration: Configuration,
  source: SourceObject,
  targetKey: string,
): Promise<boolean> {
  const target = await headOrUndefined(client, configuration.destinationBucket, targetKey, undefined);
  if (!target || !isSameContent(target, source)) {
    throw new Error(`move: the copy at ${targetKey} does not match the source; the source was kept`);
  }
  // Delete exactly the version we copied: on a versioned bucket by VersionId; otherwise only if the
  // key still holds the bytes we copied (a new upload under the same key in between is kept).
  if (!source.versionId) {
    const current = await headOrUndefined(client, source.bucket, source.key, undefined);
    if (!current) return true;
    if (current.ETag !== source.eTag) return false;
  }
  await client.send(new DeleteObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }));
  return true;
}

async function writeSidecar(
  client: S3Client,
  bucket: string,
  key: string,
  content: { source: SourceObject; decision: CaptureDateDecision; metadata: MetadataResult; make?: string | undefined; model?: string | undefined },
): Promise<void> {
  const { decision } = content;
  const body = {
    schema: 'photo-organizer/sidecar@1',
    source: { bucket: content.source.bucket, key: content.source.key, versionId: content.source.versionId, eTag: content.source.eTag, size: content.source.size },
    captureDate: decision.dated ? formatWallClock(decision.captureDate) : null,
    dateSource: decision.dateSource,
    dateTag: decision.dated ? decision.tag : null,
    rejectedDates: decision.rejected,
    make: content.make ?? null,
    model: content.model ?? null,
    fileType: content.metadata.fileType ?? null,
    tags: content.metadata.tags,
  };
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${key}.json`,
      Body: JSON.stringify(body, null, 2),
      ContentType: 'application/json',
      Metadata: { 'organized-by': ORGANIZED_BY },
    }),
  );
}

function dirBelowPrefix(key: string, prefix: string): string {
  const relative = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  const slash = relative.lastIndexOf('/');
  return slash < 0 ? '' : relative.slice(0, slash);
}

function textTag(tags: MetadataResult['tags'], name: string): string | undefined {
  for (const [key, value] of Object.entries(tags)) {
    if ((key === name || key.endsWith(`:${name}`)) && (typeof value === 'string' || typeof value === 'number')) {
      const text = String(value).trim();
      if (text) return text;
    }
  }
  return undefined;
}

function hasCause(error: unknown, type: abstract new (...args: never[]) => Error): boolean {
  let current = (error as { cause?: unknown } | undefined)?.cause;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof type) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
