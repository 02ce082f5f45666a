/** Reading S3's stored checksums out of its answers (the type itself lives in the core). */
import type { ObjectChecksum } from '../core/object-reference.js';

export type { ObjectChecksum };

/** The checksum fields of HeadObject, GetObject, CopyObjectResult, CompleteMultipartUpload answers. */
export interface ChecksumFields {
  readonly ChecksumCRC64NVME?: string | undefined;
  readonly ChecksumCRC32?: string | undefined;
  readonly ChecksumCRC32C?: string | undefined;
  readonly ChecksumSHA1?: string | undefined;
  readonly ChecksumSHA256?: string | undefined;
  readonly ChecksumType?: string | undefined;
}

const FIELDS = [
  ['CRC64NVME', 'ChecksumCRC64NVME'],
  ['CRC32', 'ChecksumCRC32'],
  ['CRC32C', 'ChecksumCRC32C'],
  ['SHA1', 'ChecksumSHA1'],
  ['SHA256', 'ChecksumSHA256'],
] as const;

/**
 * Reads the checksum out of an S3 answer (HEAD with `ChecksumMode: 'ENABLED'`, a copy result, a
 * completed multipart upload). Undefined when the store returned none.
 *
 * @example
 * const head = await client.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
 * checksumFrom(head); // { algorithm: 'CRC64NVME', type: 'FULL_OBJECT', value: 'tgSINqCp1oE=' }
 */
export function checksumFrom(answer: ChecksumFields | undefined): ObjectChecksum | undefined {
  if (!answer) return undefined;
  for (const [algorithm, field] of FIELDS) {
    const value = answer[field];
    if (!value) continue;
    const type = answer.ChecksumType === 'COMPOSITE' || /-\d+$/.test(value) ? 'COMPOSITE' : 'FULL_OBJECT';
    return { algorithm, type, value };
  }
  return undefined;
}

/**
 * The algorithm to ask a copy for, so that its checksum can be compared with the source's: the
 * source's own when it is a full-object checksum, else CRC64NVME (S3's default).
 *
 * @example
 * copyAlgorithmFor({ algorithm: 'SHA256', type: 'FULL_OBJECT', value: '...' }); // 'SHA256'
 * copyAlgorithmFor({ algorithm: 'CRC32', type: 'COMPOSITE', value: '...-3' }); // 'CRC64NVME'
 */
export function copyAlgorithmFor(source: ObjectChecksum | undefined): ObjectChecksum['algorithm'] {
  return source && source.type === 'FULL_OBJECT' ? source.algorithm : 'CRC64NVME';
}
