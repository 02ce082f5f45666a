import { RestoreObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorCode } from '@photo-organizer/s3-range-reader';
import type { ObjectReference } from '../core/object-reference.js';
import type { RestoreTier } from '../core/object-state.js';

/** What became of a restore request. */
export type RestoreRequestResult = 'requested' | 'already-in-progress';

/**
 * Asks S3 to restore an archived object with a retrieval tier; the `s3:ObjectRestore:Completed`
 * event then organizes it. GLACIER / DEEP_ARCHIVE restores make a temporary copy for `days`;
 * Intelligent-Tiering archive tiers move the object back to its Frequent Access tier (no `Days`).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
 *
 * @throws the SDK's error (S3 trouble, a missing `s3:RestoreObject` permission).
 * @example
 * await requestRestore(client, source, { tier: 'Bulk', days: 1, intelligentTiering: false }); // 'requested'
 */
export async function requestRestore(
  client: S3Client,
  source: Pick<ObjectReference, 'bucket' | 'key' | 'versionId'>,
  options: { readonly tier: RestoreTier; readonly days: number; readonly intelligentTiering: boolean },
  signal?: AbortSignal,
): Promise<RestoreRequestResult> {
  try {
    await client.send(
      new RestoreObjectCommand({
        Bucket: source.bucket,
        Key: source.key,
        VersionId: source.versionId,
        RestoreRequest: options.intelligentTiering
          ? { GlacierJobParameters: { Tier: options.tier } }
          : { Days: options.days, GlacierJobParameters: { Tier: options.tier } },
      }),
      { abortSignal: signal },
    );
    return 'requested';
  } catch (error) {
    // 409 RestoreAlreadyInProgress: someone (or an earlier event) asked already.
    if (s3ErrorCode(error) === 'RestoreAlreadyInProgress') return 'already-in-progress';
    throw error;
  }
}
