import { describe, expect, it } from 'vitest';
import { parseS3EventBridgeEvent } from '../src/lambda/eventbridge-event.js';
import { MalformedEventError, parseEvent } from '../src/lambda/events.js';

/**
 * An S3 "Object Created" event as EventBridge delivers it: the envelope and detail fields of the
 * example in https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html, with our key.
 */
const objectCreated = (key: string, object: Record<string, unknown> = {}, detailType = 'Object Created') => ({
  version: '0',
  id: '17793124-05d4-b198-2fde-7ededc63b103',
  'detail-type': detailType,
  source: 'aws.s3',
  account: '111122223333',
  time: '2021-11-12T00:00:00Z',
  region: 'ca-central-1',
  resources: ['arn:aws:s3:::photos-in'],
  detail: {
    version: '0',
    bucket: { name: 'photos-in' },
    object: { key, size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', 'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '617f08299329d189', ...object },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '123456789012',
    'source-ip-address': '1.2.3.4',
    reason: 'PutObject',
  },
});

describe('EventBridge S3 events', () => {
  it('reads bucket, key, size, ETag, version and sequencer from detail', () => {
    expect(parseEvent(objectCreated('IMG_0001.JPG'))).toEqual({
      kind: 's3-notification',
      objects: [{ bucket: 'photos-in', key: 'IMG_0001.JPG', size: 5, eTag: 'b1946ac92492d2347c6235b4d2611184', versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '617f08299329d189' }],
      skipped: [],
    });
  });

  it.each([
    'Summer 2019/IMG 0001.jpg',
    'a+b & 100% café.jpg',
    'red+flower%2B1.jpg',
    'Cafe\u0301 日本/🎉 IMG.HEIC',
    '2019:07:15 12:00:00/../IMG.jpg',
  ])('takes the key %j as it is: EventBridge does not form-encode keys', (key) => {
    const parsed = parseEvent(objectCreated(key));
    expect(parsed.kind === 's3-notification' && parsed.objects.map((object) => object.key)).toEqual([key]);
  });

  it('keeps the key byte for byte, without Unicode normalisation (NFD stays NFD)', () => {
    const nfd = 'Cafe\u0301.jpg';
    const parsed = parseEvent(objectCreated(nfd));
    expect(parsed.kind === 's3-notification' && parsed.objects[0]!.key).toBe(nfd);
    expect(nfd).not.toBe(nfd.normalize('NFC'));
  });

  it('carries a multipart ETag and leaves out what an unversioned bucket does not send', () => {
    const event = objectCreated('VID_0001.MOV', { size: 198524144, etag: '4af981f98d22a0b9979da24b259e5e42-12', 'version-id': undefined, sequencer: '0064D3901D00059242' });
    expect(parseS3EventBridgeEvent(event)).toEqual({ object: { bucket: 'photos-in', key: 'VID_0001.MOV', size: 198524144, eTag: '4af981f98d22a0b9979da24b259e5e42-12', sequencer: '0064D3901D00059242' } });
  });

  it('skips other S3 detail types and events without a key, saying why', () => {
    const deleted = parseEvent(objectCreated('IMG.jpg', {}, 'Object Deleted'));
    const noKey = parseEvent({ ...objectCreated('IMG.jpg'), detail: { bucket: { name: 'photos-in' }, object: {} } });
    expect(deleted).toEqual({ kind: 's3-notification', objects: [], skipped: [{ index: 0, reason: 'EventBridge event "Object Deleted" is not Object Created or Object Restore Completed' }] });
    expect(noKey).toEqual({ kind: 's3-notification', objects: [], skipped: [{ index: 0, reason: 'EventBridge event without detail.bucket.name or detail.object.key' }] });
  });

  it('takes Object Restore Completed: a restored archive is organized then', () => {
    expect(parseEvent(objectCreated('IMG.jpg', {}, 'Object Restore Completed'))).toMatchObject({ kind: 's3-notification', objects: [{ bucket: 'photos-in', key: 'IMG.jpg' }] });
  });

  it('does not take an event from another source for an S3 one', () => {
    expect(() => parseEvent({ ...objectCreated('IMG.jpg'), source: 'aws.ec2' })).toThrow(MalformedEventError);
  });
});
