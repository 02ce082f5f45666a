import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Deterministic pseudo-random bytes (mulberry32), so a failing offset can be replayed. */
export function seededBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    bytes[index] = (value ^ (value >>> 14)) & 0xff;
  }
  return bytes;
}

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export async function putObject(client: S3Client, bucket: string, key: string, body: Uint8Array): Promise<string> {
  const output = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return output.ETag!;
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: Uint8Array; sizes: number[] }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return { bytes: new Uint8Array(Buffer.concat(parts)), sizes: parts.map((part) => part.byteLength) };
}

/** Compares without printing megabytes on failure: the first differing offset is what matters. */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): string | undefined {
  if (actual.byteLength !== expected.byteLength) return `length ${actual.byteLength} != ${expected.byteLength}`;
  const index = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).compare(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength));
  if (index === 0) return undefined;
  for (let offset = 0; offset < actual.byteLength; offset++) if (actual[offset] !== expected[offset]) return `byte ${offset} differs`;
  return 'differs';
}
