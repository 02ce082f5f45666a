// STAND-IN for object tags, which s3rver keeps only through `PUT ?tagging`: it ignores the
// `x-amz-tagging` header of PutObject, CopyObject and CreateMultipartUpload, and a copy loses the
// source's tags. AWS's behaviour, emulated here in memory for every tag of the server:
// - PutObject / CreateMultipartUpload (then CompleteMultipartUpload): `x-amz-tagging` (a URL query)
//   becomes the object's tags;
// - CopyObject: `x-amz-tagging-directive: COPY` (the default) copies the source's tags, `REPLACE`
//   takes `x-amz-tagging`;
// - GetObjectTagging / PutObjectTagging / DeleteObjectTagging; GET and HEAD carry
//   `x-amz-tagging-count`; DeleteObject drops the tags.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html (x-amz-tagging-directive)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html (x-amz-tagging)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html

import type { StandInContext, StandInMiddleware } from './object-state-stand-ins.js';

type Tags = readonly (readonly [string, string])[];

/**
 * Builds the tagging middleware for one local S3 server.
 *
 * @example
 * server.middleware.splice(index, 0, createTaggingStandIn());
 */
export function createTaggingStandIn(): StandInMiddleware {
  const tags = new Map<string, Tags>();
  const pendingUploads = new Map<string, Tags>();

  /** Sets the tags before the write (its event may reach a reader before the answer comes back here); puts the old ones back if the write fails. */
  const writeWith = async (id: string, tagSet: Tags, next: () => Promise<void>) => {
    const previous = tags.get(id);
    tags.set(id, tagSet);
    try {
      await next();
    } catch (error) {
      if (previous) tags.set(id, previous);
      else tags.delete(id);
      throw error;
    }
  };

  return async function taggingStandIn(context, next) {
    const [, bucket, ...keyParts] = context.path.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    if (!bucket || !key) return next();
    const id = `${bucket}/${key}`;
    const headers = context.req.headers;
    const query = context.query;

    if ('tagging' in query) {
      if (context.method === 'GET') {
        await next(); // s3rver answers NoSuchKey for a missing object; the tag set comes from here
        if (context.status >= 300) return;
        context.body = taggingXml(tags.get(id) ?? []);
        return;
      }
      if (context.method === 'PUT') {
        const body = await readBody(context);
        tags.set(id, [...body.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)].map((match) => [unescapeXml(match[1]!), unescapeXml(match[2]!)] as const));
        context.status = 200;
        context.body = '';
        return;
      }
      if (context.method === 'DELETE') {
        tags.delete(id);
        context.status = 204;
        context.body = '';
        return;
      }
    }

    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const subresources = Object.keys(query).filter((name) => name !== 'x-id' && name !== 'versionId');

    if ((context.method === 'GET' || context.method === 'HEAD') && subresources.every((name) => name === 'partNumber')) {
      await next();
      const count = tags.get(id)?.length ?? 0;
      if (context.status < 300 && count > 0) context.set('x-amz-tagging-count', String(count));
      return;
    }

    if (context.method === 'POST' && 'uploads' in query) {
      await next();
      // The answer is XML text, or an object s3rver's builder turns into XML later.
      const body = context.body;
      const uploadId =
        typeof body === 'string'
          ? /<UploadId>([^<]+)<\/UploadId>/.exec(body)?.[1]
          : (body as { InitiateMultipartUploadResult?: { UploadId?: string } } | undefined)?.InitiateMultipartUploadResult?.UploadId;
      if (uploadId) pendingUploads.set(uploadId, parseTagging(header('x-amz-tagging')));
      return;
    }
    if (context.method === 'POST' && typeof query.uploadId === 'string') {
      const uploadId = query.uploadId;
      await writeWith(id, pendingUploads.get(uploadId) ?? [], next);
      pendingUploads.delete(uploadId);
      return;
    }
    if (context.method === 'DELETE' && subresources.length === 0) {
      await next();
      tags.delete(id);
      return;
    }
    if (context.method === 'DELETE' && typeof query.uploadId === 'string') {
      pendingUploads.delete(query.uploadId);
      return next();
    }
    if (context.method === 'PUT' && subresources.length === 0) {
      const copySource = header('x-amz-copy-source');
      let next_: Tags = parseTagging(header('x-amz-tagging'));
      if (copySource !== undefined && (header('x-amz-tagging-directive') ?? 'COPY') === 'COPY') {
        const source = decodeURIComponent(copySource.replace(/\?versionId=.*$/, '')).replace(/^\//, '');
        next_ = tags.get(source) ?? [];
      }
      await writeWith(id, next_, next);
      return;
    }
    return next();
  };
}

function parseTagging(value: string | undefined): Tags {
  if (!value) return [];
  return [...new URLSearchParams(value)].map(([name, tagValue]) => [name, tagValue] as const);
}

function taggingXml(tagSet: Tags): string {
  const items = tagSet.map(([name, value]) => `<Tag><Key>${escapeXml(name)}</Key><Value>${escapeXml(value)}</Value></Tag>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${items}</TagSet></Tagging>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

async function readBody(context: StandInContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of context.req as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
