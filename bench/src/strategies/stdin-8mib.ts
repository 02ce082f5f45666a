// The exiftool-aws-lambda design (research.md §1, §3): a fresh `exiftool -json -fast -` per object,
// fed by sequential 8 MiB Range GETs into stdin until exiftool exits (EPIPE). The HEAD it starts
// with is the organizer's own HEAD, which hands over the size.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { MetadataReader } from '@photo-organizer/organizer';
import { parseExiftoolJson, spawnExiftool } from './exiftool-cli.ts';
import type { StrategyFactory } from './types.ts';

const CHUNK = 8 * 1024 * 1024;

export const stdin8Mib: StrategyFactory = (context): MetadataReader => ({
  async read(object) {
    const subprocess = spawnExiftool(context);
    const stdin = subprocess.stdin!;
    let exited = false;
    void subprocess.then(() => {
      exited = true;
    });
    stdin.on('error', () => {}); // EPIPE is the normal end
    let bytesFetched = 0;
    let requests = 0;
    for (let offset = 0; offset < object.size && !exited && !stdin.destroyed; offset += CHUNK) {
      const end = Math.min(offset + CHUNK, object.size) - 1;
      requests++;
      const response = await object.client.send(
        new GetObjectCommand({ Bucket: object.bucket, Key: object.key, Range: `bytes=${offset}-${end}`, IfMatch: object.eTag }),
      );
      const body = response.Body as AsyncIterable<Uint8Array> & { destroy?: () => void };
      try {
        for await (const piece of body) {
          bytesFetched += piece.byteLength;
          const written = await new Promise<boolean>((resolve) => {
            if (stdin.destroyed || !stdin.writable) return resolve(false);
            stdin.write(piece, (error) => resolve(!error));
          });
          if (!written || exited) break;
        }
      } finally {
        body.destroy?.(); // stops the download of the rest of this chunk
      }
    }
    if (!stdin.destroyed) stdin.end();
    const result = await subprocess;
    return { result: parseExiftoolJson(String(result.stdout), String(result.stderr)), stats: { bytesFetched, requests, retries: 0, requestMs: 0 } };
  },
  async close() {},
});
