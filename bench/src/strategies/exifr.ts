// The pure-JavaScript alternative: exifr's own chunked remote reader (fetch with Range headers)
// on the object's URL. exifr needs no perl layer, but reads only image formats (JPEG, TIFF, HEIC,
// AVIF, PNG...): a video or RAW it does not know becomes "unsupported", and counts as a miss.
import { type MetadataResult, type TagValue } from '@photo-organizer/exiftool';
import type { MetadataReader } from '@photo-organizer/organizer';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StrategyFactory } from './types.ts';

// exifr's blocks -> exiftool's group names, so the organizer's date policy reads them alike.
const GROUPS: Readonly<Record<string, string>> = { ifd0: 'IFD0', exif: 'ExifIFD', gps: 'GPS', xmp: 'XMP' };

class SignedHeadersCaptured extends Error {
  readonly headers: Record<string, string>;
  constructor(headers: Record<string, string>) {
    super('captured');
    this.headers = headers;
  }
}

/**
 * SigV4 headers for a GET of this object, made by the SDK and never sent. `Range` is not among the
 * signed headers, so exifr can add its own (what a user would otherwise do with a presigned URL;
 * @aws-sdk/s3-request-presigner has no release for this SDK version).
 */
async function signedHeaders(client: S3Client, bucket: string, key: string): Promise<Record<string, string>> {
  const command = new GetObjectCommand({ Bucket: bucket, Key: key });
  command.middlewareStack.add(
    (() => async (args: { request: { headers: Record<string, string> } }) => {
      throw new SignedHeadersCaptured({ ...args.request.headers });
    }) as never,
    { step: 'deserialize', name: 'captureSignedHeaders', priority: 'low' },
  );
  try {
    await client.send(command);
  } catch (error) {
    if (error instanceof SignedHeadersCaptured) {
      const { host: _host, ...rest } = error.headers; // fetch sets Host itself
      return rest;
    }
    throw error;
  }
  throw new Error('the SDK sent the request instead of handing over its headers');
}

function exiftoolStyle(value: unknown, name: string): TagValue | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // GPSTimeStamp comes as [h, m, s]; exiftool prints "hh:mm:ss".
  if (name === 'GPSTimeStamp' && Array.isArray(value) && value.length === 3) {
    return value.map((part) => String(Math.floor(Number(part))).padStart(2, '0')).join(':');
  }
  return undefined;
}

// Count what exifr fetches (bodies only), as the range reader counts its own. exifr takes
// `globalThis.fetch` when its module loads, so the wrapper goes in first and exifr is imported after.
let bytesFetched = 0;
let requests = 0;
const originalFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  requests++;
  const response = await originalFetch(input, init);
  const body = new Uint8Array(await response.arrayBuffer());
  bytesFetched += body.byteLength;
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
};
const { default: exifr } = await import('exifr');

export const exifrRemote: StrategyFactory = (context): MetadataReader => {
  return {
    async read(object) {
      bytesFetched = 0;
      requests = 0;
      const headers = await signedHeaders(object.client, object.bucket, object.key);
      const url = `${context.endpoint}/${object.bucket}/${object.key.split('/').map(encodeURIComponent).join('/')}`;
      let result: MetadataResult;
      try {
        const output = (await exifr.parse(url, {
          // exifr's defaults (IFD0, EXIF, GPS, chunked remote reads) plus XMP, raw strings for dates.
          xmp: true,
          mergeOutput: false,
          reviveValues: false,
          translateValues: false,
          // exifr sends these with each of its Range requests; its .d.ts omits the option.
          ...({ httpHeaders: headers } as object),
        })) as Record<string, Record<string, unknown>> | undefined;
        const tags: Record<string, TagValue> = {};
        for (const [block, values] of Object.entries(output ?? {})) {
          const group = GROUPS[block];
          if (!group || typeof values !== 'object' || values === null) continue;
          for (const [name, value] of Object.entries(values)) {
            const converted = exiftoolStyle(value, name);
            if (converted !== undefined) tags[`${group}:${name}`] = converted;
          }
        }
        // exifr parsed the container: a known image type, even when it held no tags.
        result = { tags, warnings: [], fileType: 'exifr' };
      } catch (error) {
        result = { tags: {}, warnings: [], error: `exifr: ${(error as Error).message}` };
      }
      return { result, stats: { bytesFetched, requests, retries: 0, requestMs: 0 } };
    },
    async close() {
      globalThis.fetch = originalFetch;
    },
  };
};
