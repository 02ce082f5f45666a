// S3 events delivered through Amazon EventBridge (the module's trigger.type = "eventbridge").
// Shape: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html ("EventBridge event
// message structure"). Unlike S3 notifications, the key is the real key, NOT form-encoded, and
// size, etag, version-id and sequencer sit in `detail.object`.

/** The EventBridge envelope of an S3 event, as far as the organizer reads it. */
export interface S3EventBridgeEvent {
  readonly 'detail-type': string;
  readonly source: string;
  readonly detail?: {
    readonly bucket?: { readonly name?: unknown };
    readonly object?: { readonly key?: unknown; readonly size?: unknown; readonly etag?: unknown; readonly 'version-id'?: unknown; readonly sequencer?: unknown };
  };
}

/** One object named by an EventBridge S3 event (same fields as an S3 notification record gives). */
export interface EventBridgeObject {
  readonly bucket: string;
  /** The key exactly as stored: EventBridge does not URL-encode it. */
  readonly key: string;
  readonly versionId?: string;
  /** Bytes, as the event reported. */
  readonly size?: number;
  readonly eTag?: string;
  /** S3's per-key ordering token (hex string; compare as documented by S3, not as numbers). */
  readonly sequencer?: string;
}

export type EventBridgeParseResult = { readonly object: EventBridgeObject } | { readonly skipped: string };

/** True when `event` is an EventBridge event sent by S3 (`source: "aws.s3"` with a `detail-type`). */
export function isS3EventBridgeEvent(event: object): event is S3EventBridgeEvent {
  const candidate = event as Partial<S3EventBridgeEvent>;
  return candidate.source === 'aws.s3' && typeof candidate['detail-type'] === 'string';
}

/**
 * Reads the object an EventBridge `Object Created` event names. Other S3 detail types (`Object
 * Deleted`, `Object Restore Completed`, ...) and events without bucket or key are skipped with a
 * reason, never thrown: the rule may be widened by hand and retrying cannot change the event.
 *
 * @example
 * parseS3EventBridgeEvent({ source: 'aws.s3', 'detail-type': 'Object Created',
 *   detail: { bucket: { name: 'photos' }, object: { key: 'Summer 2019/IMG 1+1.jpg', size: 5 } } });
 * // { object: { bucket: 'photos', key: 'Summer 2019/IMG 1+1.jpg', size: 5 } }
 */
export function parseS3EventBridgeEvent(event: S3EventBridgeEvent): EventBridgeParseResult {
  const detailType = event['detail-type'];
  // Issue 21: 'Object Restore Completed' organizes a restored archive (RESTORE_TIER).
  if (detailType !== 'Object Created' && detailType !== 'Object Restore Completed') {
    return { skipped: `EventBridge event "${detailType.slice(0, 100)}" is not Object Created or Object Restore Completed` };
  }
  const bucket = event.detail?.bucket?.name;
  const object = event.detail?.object;
  const key = object?.key;
  if (typeof bucket !== 'string' || bucket === '' || typeof key !== 'string' || key === '') {
    return { skipped: 'EventBridge event without detail.bucket.name or detail.object.key' };
  }
  const size = object?.size;
  const eTag = object?.etag;
  const versionId = object?.['version-id'];
  const sequencer = object?.sequencer;
  return {
    object: {
      bucket,
      key,
      ...(typeof versionId === 'string' && versionId !== '' ? { versionId } : {}),
      ...(typeof size === 'number' && Number.isFinite(size) ? { size } : {}),
      ...(typeof eTag === 'string' && eTag !== '' ? { eTag } : {}),
      ...(typeof sequencer === 'string' && sequencer !== '' ? { sequencer } : {}),
    },
  };
}
