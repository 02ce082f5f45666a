import { GetObjectTaggingCommand, type S3Client, type Tag } from '@aws-sdk/client-s3';
import type { PinnedObject } from '../core/object-reference.js';

/**
 * The source's tags (the version copied), for the multipart copy path: CreateMultipartUpload
 * starts an object without tags, so they are sent as its `Tagging`. Needs `s3:GetObjectTagging`
 * (`s3:GetObjectVersionTagging` with a version), which the Terraform module grants.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
 *
 * @throws the SDK's error when S3 fails.
 * @example
 * await readSourceTags(client, source); // [{ Key: 'album', Value: 'trip 2019' }]
 */
export async function readSourceTags(client: S3Client, source: PinnedObject, signal?: AbortSignal): Promise<Tag[]> {
  const result = await client.send(new GetObjectTaggingCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }), { abortSignal: signal });
  return result.TagSet ?? [];
}
