import type { S3BatchEvent, S3Event } from 'aws-lambda';
import type { ObjectReference } from '../core/object-reference.js';
import { isS3EventBridgeEvent, parseS3EventBridgeEvent } from './eventbridge-event.js';

/**
 * An S3 Batch Operations invocation (schema 1.0 or 2.0), its tasks parsed; a task whose object
 * cannot be read from the event carries `problem` instead.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html
 * @example
 * for (const task of invocation.tasks) if (task.object) await organizeObject(task.object, dependencies);
 */
export interface BatchInvocation {
  readonly invocationSchemaVersion: '1.0' | '2.0';
  readonly invocationId: string;
  readonly tasks: readonly { readonly taskId: string; readonly object: ObjectReference | undefined; readonly problem?: string }[];
}

/**
 * What an event asks for: objects from an S3 notification (or EventBridge), a Batch Operations
 * invocation, or S3's test event.
 * @example
 * const parsed: ParsedEvent = parseEvent(event);
 * if (parsed.kind === 's3-notification') console.log(parsed.objects.length, parsed.skipped.length);
 */
export type ParsedEvent =
  | { readonly kind: 's3-notification'; readonly objects: readonly ObjectReference[]; readonly skipped: readonly SkippedRecord[] }
  | { readonly kind: 'batch-operations'; readonly invocation: BatchInvocation }
  | { readonly kind: 's3-test-event' };

/**
 * A notification record that names no object this function can act on, with why.
 * @example
 * const skipped: SkippedRecord = { index: 2, reason: 'record 2: not an ObjectCreated or ObjectRestore:Completed event (ObjectRemoved:Delete)' };
 */
export interface SkippedRecord {
  readonly index: number;
  readonly reason: string;
}

/**
 * Raised for an event this function cannot understand: retrying will not help.
 * @example
 * try { parseEvent(event); } catch (error) { if (error instanceof MalformedEventError) logger.error('malformed event', { error: error.message }); }
 */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

/**
 * Decodes an S3 event key: S3 form-encodes keys in notifications (`+` is a space, `%XX` a byte).
 *
 * @example
 * decodeEventKey('red+flower%2B1.jpg'); // 'red flower+1.jpg'
 */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * The inverse of {@link decodeEventKey}: how S3 writes a key into a notification (slashes kept).
 * @example
 * encodeEventKey('red flower+1.jpg'); // 'red+flower%2B1.jpg'
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/**
 * Recognises S3 notifications (every record, not only the first), S3 events delivered through
 * EventBridge (`Object Created`; reported as kind `s3-notification` with one object, since they
 * are handled the same way), S3 Batch Operations invocations and the `s3:TestEvent` S3 sends when
 * a notification is configured.
 *
 * @throws MalformedEventError when the event is none of those (not retryable).
 * @example
 * const parsed = parseEvent({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'in' }, object: { key: 'IMG_1.JPG', size: 10, eTag: 'abc' } } }] });
 */
export function parseEvent(event: unknown): ParsedEvent {
  if (!event || typeof event !== 'object') throw new MalformedEventError(`event must be an object; got ${typeof event}`);
  const candidate = event as Partial<S3Event> & Partial<S3BatchEvent> & { Event?: string };
  if (candidate.Event === 's3:TestEvent') return { kind: 's3-test-event' };
  if (Array.isArray(candidate.Records)) return parseNotification(candidate.Records);
  if (isS3EventBridgeEvent(event)) {
    const result = parseS3EventBridgeEvent(event);
    return 'object' in result ? { kind: 's3-notification', objects: [result.object], skipped: [] } : { kind: 's3-notification', objects: [], skipped: [{ index: 0, reason: result.skipped }] };
  }
  if (candidate.invocationSchemaVersion !== undefined) return { kind: 'batch-operations', invocation: parseBatch(candidate) };
  throw new MalformedEventError('not an S3 event: expected "Records" (S3 notification), source "aws.s3" (EventBridge) or "invocationSchemaVersion" (Batch Operations)');
}

function parseNotification(records: readonly unknown[]): ParsedEvent {
  const objects: ObjectReference[] = [];
  const skipped: SkippedRecord[] = [];
  records.forEach((record, index) => {
    const value = record as Partial<S3Event['Records'][number]> | undefined;
    const eventName = value?.eventName;
    if (typeof eventName !== 'string' || value?.eventSource !== 'aws:s3') {
      skipped.push({ index, reason: 'not an S3 record' });
      return;
    }
    // Issue 21: a restored archive (RESTORE_TIER) is organized when its restore completes.
    if (!eventName.startsWith('ObjectCreated:') && eventName !== 'ObjectRestore:Completed') {
      skipped.push({ index, reason: `event ${eventName} is not ObjectCreated or ObjectRestore:Completed` });
      return;
    }
    const bucket = value.s3?.bucket?.name;
    const rawKey = value.s3?.object?.key;
    if (typeof bucket !== 'string' || typeof rawKey !== 'string') {
      skipped.push({ index, reason: 'record without s3.bucket.name or s3.object.key' });
      return;
    }
    let key: string;
    try {
      key = decodeEventKey(rawKey);
    } catch {
      skipped.push({ index, reason: `key is not valid URL encoding: ${rawKey.slice(0, 200)}` });
      return;
    }
    const object = value.s3!.object!;
    objects.push({
      bucket,
      key,
      ...(object.versionId ? { versionId: object.versionId } : {}),
      ...(typeof object.size === 'number' ? { size: object.size } : {}),
      ...(object.eTag ? { eTag: object.eTag } : {}),
    });
  });
  return { kind: 's3-notification', objects, skipped };
}

function parseBatch(event: Partial<S3BatchEvent>): BatchInvocation {
  const version = String(event.invocationSchemaVersion);
  if (version !== '1.0' && version !== '2.0') {
    throw new MalformedEventError(`unsupported Batch Operations invocationSchemaVersion "${version}" (1.0 and 2.0 are)`);
  }
  if (typeof event.invocationId !== 'string' || !Array.isArray(event.tasks)) {
    throw new MalformedEventError('Batch Operations event without invocationId or tasks');
  }
  const tasks = event.tasks.map((task) => {
    const value = task as Partial<S3BatchEvent['tasks'][number]> & { s3Bucket?: string };
    const taskId = String(value.taskId ?? '');
    const bucket = value.s3Bucket ?? value.s3BucketArn?.replace(/^arn:aws[a-z-]*:s3:::/, '');
    if (!bucket || typeof value.s3Key !== 'string') {
      return { taskId, object: undefined, problem: 'task without bucket or key' };
    }
    try {
      // Batch Operations passes keys URL-encoded, like notifications.
      const key = decodeEventKey(value.s3Key);
      return { taskId, object: { bucket, key, ...(value.s3VersionId ? { versionId: value.s3VersionId } : {}) } };
    } catch {
      return { taskId, object: undefined, problem: `key is not valid URL encoding: ${value.s3Key.slice(0, 200)}` };
    }
  });
  return { invocationSchemaVersion: version, invocationId: event.invocationId, tasks };
}
