import { describe, expect, it } from 'vitest';
import { judgeByBytes, Ledger } from '../src/ledger.ts';
import { keyInBucket, requestKind } from '../src/request-kinds.ts';

const bytes = (text: string) => Buffer.from(text);
const md5 = (ledger: Ledger, key: string, sequence: number) => ledger.versions.find((item) => item.key === key && item.sequence === sequence)!.md5;

describe('the verdict by bytes', () => {
  it('finds the move race: a re-upload deleted without a copy is lost, the version it replaced is in the library', () => {
    const ledger = new Ledger();
    ledger.recordUpload('a.jpg', bytes('first'), 'plan');
    ledger.recordUpload('a.jpg', bytes('second'), 'reupload-at-delete');
    // The function copied the first version, then deleted the key (the second version with it).
    const verdict = judgeByBytes(ledger, new Map(), [{ key: '2020-01-01/a.jpg', md5: md5(ledger, 'a.jpg', 0), sourceKey: 'a.jpg' }], true);
    expect(verdict.lost.map((version) => version.sequence)).toEqual([1]);
    expect(verdict.counts).toMatchObject({ 'in-library': 1, lost: 1 });
  });

  it('accepts "superseded" only when the later upload of the key is really in S3', () => {
    const ledger = new Ledger();
    ledger.recordUpload('b.jpg', bytes('one'), 'plan');
    ledger.recordUpload('b.jpg', bytes('two'), 'reupload-soon');
    const kept = judgeByBytes(ledger, new Map([['b.jpg', md5(ledger, 'b.jpg', 1)]]), [], false);
    expect(kept.counts).toMatchObject({ superseded: 1, 'kept-in-source': 1, lost: 0 });
    const neither = judgeByBytes(ledger, new Map(), [], false);
    expect(neither.counts).toMatchObject({ superseded: 0, lost: 2 });
  });

  it('accepts "deleted by the user" only when the user deleted it and the key is gone', () => {
    const ledger = new Ledger();
    ledger.recordUpload('c.jpg', bytes('c'), 'plan');
    expect(judgeByBytes(ledger, new Map(), [], true).counts.lost).toBe(1);
    ledger.recordDelete('c.jpg', 'delete-soon');
    expect(judgeByBytes(ledger, new Map(), [], true).counts['deleted-by-user']).toBe(1);
  });

  it('counts two copies of one version as duplicated and a copy of unknown bytes as mismatched, naming a copy whose bytes are not its source-etag', () => {
    const ledger = new Ledger();
    ledger.recordUpload('d.jpg', bytes('d1'), 'plan');
    ledger.recordUpload('d.jpg', bytes('d2'), 'reupload-while-read');
    const second = md5(ledger, 'd.jpg', 1);
    const verdict = judgeByBytes(
      ledger,
      new Map(),
      [
        { key: '2001-01-01/d.jpg', md5: second, sourceKey: 'd.jpg', sourceEtag: md5(ledger, 'd.jpg', 0) },
        { key: '2002-02-02/d.jpg', md5: second, sourceKey: 'd.jpg', sourceEtag: second },
        { key: '2003-03-03/d.jpg', md5: 'f'.repeat(32), sourceKey: 'd.jpg' },
      ],
      false,
    );
    expect(verdict.duplicated).toEqual([]);
    expect(verdict.duplicatedByCopySourceRace).toEqual([`d.jpg #1 -> 2001-01-01/d.jpg (bytes ${second}, source-etag says ${md5(ledger, 'd.jpg', 0)}), 2002-02-02/d.jpg`]);
    expect(verdict.mismatched).toEqual(['2003-03-03/d.jpg (names source d.jpg)']);
    expect(verdict.counts).toMatchObject({ superseded: 1, 'in-library': 1 });
  });
});

describe('request kinds', () => {
  it.each([
    ['HEAD', '/uploads/a.jpg', {}, 'HEAD'],
    ['GET', '/uploads/a.jpg?x-id=GetObject', {}, 'GET'],
    ['GET', '/uploads?list-type=2', {}, 'List'],
    ['GET', '/library/a.jpg?uploadId=1', {}, 'List'],
    ['PUT', '/library/a.jpg?x-id=CopyObject', { 'x-amz-copy-source': 'uploads/a.jpg' }, 'COPY'],
    ['PUT', '/library/a.jpg.json?x-id=PutObject', {}, 'PutObject'],
    ['PUT', '/library/a.jpg?partNumber=1&uploadId=1', { 'x-amz-copy-source': 'uploads/a.jpg' }, 'UploadPartCopy'],
    ['DELETE', '/uploads/a.jpg?x-id=DeleteObject', {}, 'DeleteObject'],
    ['DELETE', '/library/a.jpg?uploadId=1', {}, 'AbortMultipartUpload'],
    ['POST', '/library/a.jpg?uploads', {}, 'CreateMultipartUpload'],
    ['POST', '/library/a.jpg?uploadId=1', {}, 'CompleteMultipartUpload'],
  ] as const)('%s %s is %s', (method, path, headers, kind) => {
    expect(requestKind(method, path, headers)).toBe(kind);
  });

  it('reads the key of a path-style request, decoded, for one bucket only', () => {
    expect(keyInBucket('/uploads/batch-01/IMG%20(1).JPG?x-id=GetObject', 'uploads')).toBe('batch-01/IMG (1).JPG');
    expect(keyInBucket('/library/batch-01/a.jpg', 'uploads')).toBeUndefined();
  });
});
