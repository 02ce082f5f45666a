/**
 * The checksum S3 stores with an object: the algorithm, whether it covers the whole object
 * (`FULL_OBJECT`) or is a checksum of part checksums (`COMPOSITE`, value ending in `-N`), and the
 * base64 value. Every object written since S3's default integrity protections has one (CRC64NVME
 * when the writer named none).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
 */
export interface ObjectChecksum {
  readonly algorithm: 'CRC64NVME' | 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256';
  readonly type: 'FULL_OBJECT' | 'COMPOSITE';
  /** Base64, as S3 returns it. */
  readonly value: string;
}

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
 * Whether two checksums can be compared at all: same algorithm, both of the whole object. A
 * composite checksum depends on how the object was cut into parts, so it says nothing about a copy
 * cut differently.
 */
export function comparable(a: ObjectChecksum | undefined, b: ObjectChecksum | undefined): boolean {
  return !!a && !!b && a.algorithm === b.algorithm && a.type === 'FULL_OBJECT' && b.type === 'FULL_OBJECT';
}

/** The algorithm to ask a copy for, so that its checksum can be compared with the source's. */
export function copyAlgorithmFor(source: ObjectChecksum | undefined): 'CRC64NVME' | 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' {
  return source && source.type === 'FULL_OBJECT' ? source.algorithm : 'CRC64NVME';
}
