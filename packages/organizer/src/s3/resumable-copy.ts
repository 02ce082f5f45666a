import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  paginateListParts,
  ListMultipartUploadsCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { s3ErrorKind } from '@photo-organizer/s3-range-reader';
import { checksumFrom, type ObjectChecksum } from './checksum.js';
import { copySource } from './copy-source.js';

/** S3's multipart limits. https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
export const MULTIPART_LIMITS = {
  minPartBytes: 5 * 1024 ** 2,
  maxPartBytes: 5 * 1024 ** 3,
  maxParts: 10_000,
} as const;

/** The object cannot be copied in parts within S3's limits (10,000 parts of at most 5 GiB): retrying will not help. */
export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly size: number,
  ) {
    super(
      `s3://${bucket}/${key} is ${size} bytes: more than S3's multipart limit of ${MULTIPART_LIMITS.maxParts} parts of ${MULTIPART_LIMITS.maxPartBytes} bytes; it was left where it is`,
    );
  }
}

/** The copy stopped before its deadline with parts still to copy; the upload is kept and the next attempt resumes it. */
export class CopyIncompleteError extends Error {
  override readonly name = 'CopyIncompleteError';
  constructor(
    readonly uploadId: string,
    readonly partsDone: number,
    readonly partsTotal: number,
    options?: { cause?: unknown },
  ) {
    super(`multipart copy stopped with ${partsDone} of ${partsTotal} parts copied; the next attempt resumes upload ${uploadId}`, options);
  }
}

/** The parts of a resumed upload do not make up the source (S3 refused the completion's checksum); the upload was aborted. */
export class CopyMismatchError extends Error {
  override readonly name = 'CopyMismatchError';
  constructor(
    readonly uploadId: string,
    options?: { cause?: unknown },
  ) {
    super(`the parts of upload ${uploadId} do not match the source's checksum; the upload was aborted and the next attempt starts over`, options);
  }
}

export interface PartPlan {
  /** Bytes per part (the last may be smaller). */
  readonly partSize: number;
  readonly partCount: number;
}

/**
 * Part size and count for an object: the preferred size, raised so the object fits in 10,000 parts.
 * @throws ObjectTooLargeError when even 5 GiB parts would not do
 * @example planParts(12 * 1024 ** 3, 256 * 1024 ** 2) // { partSize: 268435456, partCount: 48 }
 */
export function planParts(bucket: string, key: string, size: number, preferredPartSize: number): PartPlan {
  const fitting = Math.ceil(size / MULTIPART_LIMITS.maxParts / 1024 ** 2) * 1024 ** 2;
  const partSize = Math.max(preferredPartSize, MULTIPART_LIMITS.minPartBytes, fitting);
  if (partSize > MULTIPART_LIMITS.maxPartBytes) throw new ObjectTooLargeError(bucket, key, size);
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

export interface ResumableCopyRequest {
  readonly client: S3Client;
  readonly source: {
    readonly bucket: string;
    readonly key: string;
    readonly versionId?: string | undefined;
    /** Quoted ETag: every part is copied only while the source still has it. */
    readonly eTag: string;
    readonly size: number;
    /** The source's stored checksum; a full-object CRC one lets S3 verify the completed copy against it. */
    readonly checksum?: ObjectChecksum | undefined;
  };
  readonly bucket: string;
  readonly key: string;
  /** Content-Type and the other content headers, and the user metadata, for the new object. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly preferredPartSize: number;
  /** Parts copied at once at most. @default 8 */
  readonly maxConcurrency?: number;
  /** Ask S3 for checksums (the store computes them). @default true */
  readonly checksums?: boolean;
  readonly signal?: AbortSignal;
  /** `Date.now()` value by which the copy must have stopped; parts that would not finish by then are left for the next attempt. */
  readonly deadline?: number;
}

export interface ResumableCopyResult {
  /** Quoted ETag of the new object. */
  readonly eTag: string;
  readonly checksum: ObjectChecksum | undefined;
  /** Whether an upload left by an earlier attempt was continued. */
  readonly resumedUploadId: string | undefined;
  readonly partsCopied: number;
  readonly partsReused: number;
}

interface KnownPart {
  readonly PartNumber: number;
  readonly ETag: string;
  readonly size: number;
  readonly checksum: string | undefined;
}

/** Keep this much time for CompleteMultipartUpload after the last part. */
const COMPLETION_RESERVE_MS = 2000;

/**
 * Copies a large object in parts (UploadPartCopy) so that an attempt that runs out of time can be
 * finished by the next one: it looks for an upload to the same key left by an earlier attempt
 * (ListMultipartUploads), keeps the parts that fit this object's part layout (ListParts) and copies
 * only the missing ones. S3 keeps no readable metadata for an upload in progress, so the match is
 * by key, layout and checksum algorithm, and the completion proves it: it is sent with the source's
 * full-object checksum, which S3 checks against the assembled parts (a mismatch aborts the upload).
 * The completion is conditional (`If-None-Match: *`): an existing object is never replaced.
 *
 * Time: parts are not started when the time left would not cover one more part (measured) and the
 * completion; the upload is then kept and {@link CopyIncompleteError} thrown for a retry. Faults
 * other than a changed source also keep it; a changed or missing source aborts it.
 *
 * @throws ObjectTooLargeError, CopyIncompleteError, CopyMismatchError, and S3's errors (412/409 on
 *   the completion: the key was written meanwhile)
 * @example
 * await resumableCopy({ client, source, bucket: 'library', key: '2019/video.mp4', headers: {}, metadata: {}, preferredPartSize: 256 * 1024 ** 2, deadline: Date.now() + 60_000 });
 */
export async function resumableCopy(request: ResumableCopyRequest): Promise<ResumableCopyResult> {
  const { client, source, signal } = request;
  const checksums = request.checksums ?? true;
  const plan = planParts(source.bucket, source.key, source.size, request.preferredPartSize);
  // A full-object checksum of the CRC family can be given to CompleteMultipartUpload for S3 to verify.
  const verifiable = checksums && source.checksum?.type === 'FULL_OBJECT' && source.checksum.algorithm.startsWith('CRC') ? source.checksum : undefined;
  const algorithm = checksums ? (verifiable?.algorithm ?? 'CRC64NVME') : undefined;
  const partBytes = (number: number) => Math.min(plan.partSize, source.size - (number - 1) * plan.partSize);

  const found = await findResumable(request, plan, algorithm, partBytes);
  let uploadId = found?.uploadId;
  if (!uploadId) {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: request.bucket,
        Key: request.key,
        ...request.headers,
        Metadata: { ...request.metadata },
        ...(algorithm ? { ChecksumAlgorithm: algorithm, ChecksumType: 'FULL_OBJECT' } : {}),
      }),
      { abortSignal: signal },
    );
    uploadId = created.UploadId;
    if (!uploadId) throw new Error(`CreateMultipartUpload for ${request.key} returned no UploadId`);
  }
  const done = new Map<number, KnownPart>((found?.parts ?? []).map((part) => [part.PartNumber, part]));
  const reused = done.size;
  const missing = Array.from({ length: plan.partCount }, (_, index) => index + 1).filter((number) => !done.has(number));

  const abort = () =>
    client.send(new AbortMultipartUploadCommand({ Bucket: request.bucket, Key: request.key, UploadId: uploadId })).catch(() => undefined);

  // Copy the missing parts, several at once, never starting one that would not finish in time.
  let next = 0;
  let stoppedForTime = false;
  let slowestPartMs = 0;
  const worker = async () => {
    while (next < missing.length) {
      const timeLeft = request.deadline === undefined ? Infinity : request.deadline - Date.now();
      if (timeLeft < slowestPartMs + COMPLETION_RESERVE_MS || signal?.aborted) {
        stoppedForTime = true;
        return;
      }
      const number = missing[next++]!;
      const first = (number - 1) * plan.partSize;
      const started = Date.now();
      const result = await client.send(
        new UploadPartCopyCommand({
          Bucket: request.bucket,
          Key: request.key,
          UploadId: uploadId,
          PartNumber: number,
          CopySource: copySource(source),
          CopySourceIfMatch: source.eTag || undefined,
          CopySourceRange: `bytes=${first}-${first + partBytes(number) - 1}`,
        }),
        { abortSignal: signal },
      );
      slowestPartMs = Math.max(slowestPartMs, Date.now() - started);
      const eTag = result.CopyPartResult?.ETag;
      if (!eTag) throw new Error(`UploadPartCopy part ${number} of ${request.key} returned no ETag`);
      done.set(number, { PartNumber: number, ETag: eTag, size: partBytes(number), checksum: checksumFrom(result.CopyPartResult)?.value });
    }
  };
  const concurrency = Math.max(1, Math.min(request.maxConcurrency ?? 8, missing.length));
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } catch (error) {
    // The source changed or went away: this upload can never be completed. Anything else (a fault,
    // the deadline's abort) keeps it for the next attempt; the bucket's lifecycle rule removes
    // uploads nobody finishes.
    const kind = s3ErrorKind(error);
    if (kind === 'precondition-failed' || kind === 'not-found') {
      await abort();
      throw error;
    }
    if (signal?.aborted) throw new CopyIncompleteError(uploadId, done.size, plan.partCount, { cause: error });
    throw error;
  }
  if (stoppedForTime || done.size < plan.partCount) throw new CopyIncompleteError(uploadId, done.size, plan.partCount);

  const parts: CompletedPart[] = [...done.values()]
    .sort((a, b) => a.PartNumber - b.PartNumber)
    .map((part) => ({ PartNumber: part.PartNumber, ETag: part.ETag, ...(algorithm && part.checksum ? { [`Checksum${algorithm}`]: part.checksum } : {}) }));
  try {
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: request.bucket,
        Key: request.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        IfNoneMatch: '*',
        ...(algorithm ? { ChecksumType: 'FULL_OBJECT' as const, MpuObjectSize: source.size } : {}),
        ...(verifiable ? { [`Checksum${verifiable.algorithm}`]: verifiable.value } : {}),
      }),
      { abortSignal: signal },
    );
    return {
      eTag: completed.ETag ?? '',
      checksum: checksumFrom(completed),
      resumedUploadId: found?.uploadId,
      partsCopied: done.size - reused,
      partsReused: reused,
    };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'BadDigest' || name === 'InvalidPart') {
      await abort();
      throw new CopyMismatchError(uploadId, { cause: error });
    }
    // The key was written meanwhile (412/409): this upload can never complete there.
    const kind = s3ErrorKind(error);
    if (kind === 'precondition-failed' || kind === 'conflict') await abort();
    throw error;
  }
}

/** An upload to the same key whose parts all fit this object's layout, with those parts. */
async function findResumable(
  request: ResumableCopyRequest,
  plan: PartPlan,
  algorithm: string | undefined,
  partBytes: (number: number) => number,
): Promise<{ uploadId: string; parts: KnownPart[] } | undefined> {
  const { client, signal } = request;
  let listed;
  try {
    listed = await client.send(new ListMultipartUploadsCommand({ Bucket: request.bucket, Prefix: request.key }), { abortSignal: signal });
  } catch (error) {
    // A role without s3:ListBucketMultipartUploads still copies, it just cannot resume.
    if (s3ErrorKind(error) === 'access-denied') return undefined;
    throw error;
  }
  const candidates = (listed.Uploads ?? [])
    .filter((upload) => upload.Key === request.key && upload.UploadId && (upload.ChecksumAlgorithm ?? undefined) === algorithm)
    .sort((a, b) => (b.Initiated?.getTime() ?? 0) - (a.Initiated?.getTime() ?? 0));
  for (const upload of candidates) {
    const parts: KnownPart[] = [];
    let fits = true;
    try {
      for await (const page of paginateListParts({ client, ...(signal ? { abortSignal: signal } : {}) }, { Bucket: request.bucket, Key: request.key, UploadId: upload.UploadId })) {
        for (const part of page.Parts ?? []) {
          const number = part.PartNumber ?? 0;
          if (number < 1 || number > plan.partCount || part.Size !== partBytes(number) || !part.ETag) fits = false;
          else parts.push({ PartNumber: number, ETag: part.ETag, size: part.Size, checksum: checksumFrom(part)?.value });
        }
      }
    } catch (error) {
      if (s3ErrorKind(error) === 'not-found') continue; // completed or aborted meanwhile
      throw error;
    }
    if (fits) return { uploadId: upload.UploadId!, parts };
  }
  return undefined;
}

