import { describe, expect, it } from 'vitest';
import { decodeEventKey, encodeEventKey, MalformedEventError, parseEvent } from '../src/lambda/events.js';

const record = (key: string, extra: Record<string, unknown> = {}) => ({
  eventSource: 'aws:s3',
  eventName: 'ObjectCreated:Put',
  s3: { bucket: { name: 'photos-in' }, object: { key, size: 10, eTag: 'abc', ...extra } },
});

describe('events', () => {
  it('decodes keys the way S3 encodes them: + is a space, %XX a byte', () => {
    expect(decodeEventKey('red+flower.jpg')).toBe('red flower.jpg');
    expect(decodeEventKey('a%2Bb+%26+100%25+caf%C3%A9.jpg')).toBe('a+b & 100% café.jpg');
    const awkward = "../../etc/passwd -@ /etc/passwd ~!*'();:@&=+$,?#[] ü 日本.jpg";
    expect(decodeEventKey(encodeEventKey(awkward))).toBe(awkward);
  });

  it('takes every record, not only the first, and carries versionId', () => {
    const parsed = parseEvent({ Records: [record('a.jpg'), record('b+c.jpg', { versionId: 'v2' })] });
    expect(parsed).toEqual({
      kind: 's3-notification',
      objects: [
        { bucket: 'photos-in', key: 'a.jpg', size: 10, eTag: 'abc' },
        { bucket: 'photos-in', key: 'b c.jpg', versionId: 'v2', size: 10, eTag: 'abc' },
      ],
      skipped: [],
    });
  });

  it('skips records it cannot use and says why', () => {
    const parsed = parseEvent({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectRemoved:Delete', s3: {} }, record('%E0%A4%A.jpg'), {}] });
    expect(parsed.kind === 's3-notification' && parsed.skipped.map((item) => item.reason)).toEqual([
      'event ObjectRemoved:Delete is not ObjectCreated or ObjectRestore:Completed',
      'key is not valid URL encoding: %E0%A4%A.jpg',
      'not an S3 record',
    ]);
  });

  it('takes s3:ObjectRestore:Completed: a restored archive is organized then (RESTORE_TIER)', () => {
    const restored = { ...record('old/IMG_1.JPG'), eventName: 'ObjectRestore:Completed' };
    expect(parseEvent({ Records: [restored] })).toEqual({
      kind: 's3-notification',
      objects: [{ bucket: 'photos-in', key: 'old/IMG_1.JPG', size: 10, eTag: 'abc' }],
      skipped: [],
    });
    const started = { ...record('old/IMG_1.JPG'), eventName: 'ObjectRestore:Post' };
    expect(parseEvent({ Records: [started] })).toMatchObject({ objects: [], skipped: [{ reason: 'event ObjectRestore:Post is not ObjectCreated or ObjectRestore:Completed' }] });
  });

  it('reads S3 Batch Operations invocations, schema 1.0 and 2.0', () => {
    const v1 = parseEvent({
      invocationSchemaVersion: '1.0',
      invocationId: 'inv',
      job: { id: 'job' },
      tasks: [{ taskId: 't1', s3Key: 'old+photo.jpg', s3VersionId: null, s3BucketArn: 'arn:aws:s3:::archive' }],
    });
    expect(v1).toEqual({ kind: 'batch-operations', invocation: { invocationSchemaVersion: '1.0', invocationId: 'inv', tasks: [{ taskId: 't1', object: { bucket: 'archive', key: 'old photo.jpg' } }] } });
    const v2 = parseEvent({
      invocationSchemaVersion: '2.0',
      invocationId: 'inv2',
      job: { id: 'job', userArguments: {} },
      tasks: [{ taskId: 't2', s3Key: 'x.jpg', s3VersionId: 'v1', s3Bucket: 'archive' }],
    });
    expect(v2.kind === 'batch-operations' && v2.invocation.tasks[0]).toEqual({ taskId: 't2', object: { bucket: 'archive', key: 'x.jpg', versionId: 'v1' } });
  });

  it('recognises the s3:TestEvent and rejects what is not an S3 event', () => {
    expect(parseEvent({ Service: 'Amazon S3', Event: 's3:TestEvent' })).toEqual({ kind: 's3-test-event' });
    expect(() => parseEvent({ hello: 'world' })).toThrow(MalformedEventError);
    expect(() => parseEvent(null)).toThrow(MalformedEventError);
    expect(() => parseEvent({ invocationSchemaVersion: '3.0', invocationId: 'x', tasks: [] })).toThrow(/3\.0/);
  });
});
