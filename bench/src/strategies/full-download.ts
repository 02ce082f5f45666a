// The serverless-image-organizer design: GET the whole object into memory, then read its
// metadata (here with a fresh exiftool on stdin, so the parser is the same as everyone's).
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { MetadataReader } from '@photo-organizer/organizer';
import { parseExiftoolJson, spawnExiftool } from './exiftool-cli.ts';
import type { StrategyFactory } from './types.ts';

export const fullDownload: StrategyFactory = (context): MetadataReader => ({
  async read(object) {
    const response = await object.client.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key, IfMatch: object.eTag }));
    const bytes = await response.Body!.transformToByteArray();
    const subprocess = spawnExiftool(context);
    subprocess.stdin!.on('error', () => {}); // exiftool -fast may stop before the end: EPIPE
    subprocess.stdin!.end(bytes);
    const result = await subprocess;
    return { result: parseExiftoolJson(String(result.stdout), String(result.stderr)), stats: { bytesFetched: bytes.byteLength, requests: 1, retries: 0, requestMs: 0 } };
  },
  async close() {},
});
