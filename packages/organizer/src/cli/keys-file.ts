/**
 * The keys file shared by `backfill status` (which writes the objects a job failed on) and
 * `invoke --keys-from FILE` (which sends them to the function again): one `s3://bucket/key` a line,
 * the key as S3 stores it (not URL-encoded), blank lines and `#` comments ignored.
 */
import { readFile } from 'node:fs/promises';
import type { ObjectReference } from '../core/object-reference.js';
import { UsageError } from './s3-url.js';

/** S3's limit on a key: 1,024 bytes of UTF-8 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
const MAX_KEY_BYTES = 1024;

/** A line of a keys file that is not `s3://bucket/key`: a usage error (exit code 2) naming the file and line. */
export class KeysFileError extends UsageError {
  override readonly name: string = 'KeysFileError';
  /** The file as the user named it. */
  readonly file: string;
  /** 1-based line number; 0 when the file itself cannot be read. */
  readonly line: number;

  constructor(message: string, facts: { readonly file: string; readonly line: number }, options?: ErrorOptions) {
    super(message, options);
    this.file = facts.file;
    this.line = facts.line;
  }
}

/**
 * The text of a keys file for these objects: one `s3://bucket/key` a line, ending with a newline.
 *
 * @example
 * formatKeysFile([{ bucket: 'photos', key: 'trip/IMG 1.JPG' }]); // 's3://photos/trip/IMG 1.JPG\n'
 */
export function formatKeysFile(objects: readonly Pick<ObjectReference, 'bucket' | 'key'>[]): string {
  return objects.map((object) => `s3://${object.bucket}/${object.key}\n`).join('');
}

/**
 * The objects a keys file names, in its order, each once. Keys are taken exactly as written (no
 * URL-decoding, spaces kept); a trailing carriage return (a file edited on Windows) is dropped.
 *
 * @param file the file's name, for messages
 * @throws {KeysFileError} for the first line that is not `s3://bucket/key` (or a key over 1,024 bytes)
 * @example
 * parseKeysFile('# retry\ns3://photos/a.jpg\n\n', 'failed.txt'); // [{ bucket: 'photos', key: 'a.jpg' }]
 */
export function parseKeysFile(text: string, file: string): ObjectReference[] {
  const objects: ObjectReference[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = /^s3:\/\/([^/\s]+)\/(.+)$/.exec(line);
    const where = { file, line: index + 1 };
    if (!match) throw new KeysFileError(`${file}:${where.line}: expected s3://bucket/key, got "${line}"`, where);
    const [, bucket, key] = match as unknown as [string, string, string];
    if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new KeysFileError(`${file}:${where.line}: the key is longer than S3's ${MAX_KEY_BYTES} bytes`, where);
    if (seen.has(line)) continue;
    seen.add(line);
    objects.push({ bucket, key });
  }
  return objects;
}

/**
 * Reads and parses a keys file ({@link parseKeysFile}).
 *
 * @throws {KeysFileError} when the file cannot be read (line 0) or a line is malformed
 * @example
 * const objects = await readKeysFile('backfill-failed-1234.txt');
 */
export async function readKeysFile(file: string): Promise<ObjectReference[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KeysFileError(`--keys-from: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file, line: 0 }, { cause: error });
  }
  return parseKeysFile(text, file);
}
