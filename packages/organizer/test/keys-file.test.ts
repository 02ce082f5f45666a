import { describe, expect, it } from 'vitest';
import { formatKeysFile, KeysFileError, parseKeysFile } from '../src/cli/keys-file.js';
import { UsageError } from '../src/cli/s3-url.js';

describe('keys file (backfill status writes it, invoke --keys-from reads it)', () => {
  it('reads back what it writes, keys exactly as written', () => {
    const objects = [
      { bucket: 'photos', key: 'trip/IMG 0001+edit.jpg' },
      { bucket: 'photos', key: 'scan%20.tif' },
      { bucket: 'other-bucket', key: 'a/b/ünïcode #1.heic' },
    ];
    expect(parseKeysFile(formatKeysFile(objects), 'failed.txt')).toEqual(objects);
  });

  it('ignores blank lines and # comments, drops a Windows line end, names each object once', () => {
    const text = '# from job 1234\r\n\r\n   \n  # indented comment\ns3://photos/a.jpg\r\ns3://photos/b.jpg\ns3://photos/a.jpg\n';
    expect(parseKeysFile(text, 'failed.txt')).toEqual([
      { bucket: 'photos', key: 'a.jpg' },
      { bucket: 'photos', key: 'b.jpg' },
    ]);
  });

  it.each([
    ['photos/a.jpg', 2],
    ['s3://photos', 2],
    ['s3://photos/', 2],
    ['s3:///a.jpg', 2],
    [' s3://photos/a.jpg', 2],
    ['https://photos.s3.amazonaws.com/a.jpg', 2],
  ])('refuses %j with the file and line number', (line, number) => {
    const parse = () => parseKeysFile(`s3://photos/ok.jpg\n${line}\ns3://photos/later.jpg\n`, 'failed.txt');
    expect(parse).toThrow(KeysFileError);
    expect(parse).toThrow(`failed.txt:${number}: expected s3://bucket/key, got "${line}"`);
    try {
      parse();
    } catch (error) {
      // A usage error: the CLI exits with code 2.
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ file: 'failed.txt', line: number });
    }
  });

  it("refuses a key longer than S3's 1,024 bytes", () => {
    expect(() => parseKeysFile(`s3://photos/${'é'.repeat(513)}\n`, 'failed.txt')).toThrow("failed.txt:1: the key is longer than S3's 1024 bytes");
    expect(parseKeysFile(`s3://photos/${'é'.repeat(512)}\n`, 'failed.txt')).toHaveLength(1);
  });
});
