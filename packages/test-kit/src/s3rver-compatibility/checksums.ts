import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';

/**
 * The checksum algorithms S3 computes and stores with an object, and the checksum types of a
 * multipart upload. CRC32C is not offered here (Node has no built-in CRC32C): the server answers
 * 501 NotImplemented for it rather than pretending.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
 */
export type ChecksumAlgorithm = 'CRC64NVME' | 'CRC32' | 'SHA1' | 'SHA256';
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC64NVME', 'CRC32', 'SHA1', 'SHA256'];
/** Every algorithm S3 knows, including the ones this server refuses (so a request naming one gets a clear 501). */
const KNOWN_ALGORITHMS = ['CRC64NVME', 'CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const;

/** What S3 stores about an object's checksum: `value` is base64, with `-N` for a composite multipart checksum. */
export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly type: ChecksumType;
  readonly value: string;
}

export interface Hasher {
  update(chunk: Uint8Array): void;
  /** The raw digest bytes. */
  digest(): Promise<Uint8Array>;
}

export function createHasher(algorithm: ChecksumAlgorithm): Hasher {
  switch (algorithm) {
    case 'CRC64NVME': {
      const crc = new Crc64Nvme();
      return { update: (chunk) => crc.update(chunk), digest: () => crc.digest() };
    }
    case 'CRC32': {
      let value = 0;
      return {
        update: (chunk) => {
          value = crc32(chunk, value);
        },
        digest: async () => {
          const bytes = new Uint8Array(4);
          new DataView(bytes.buffer).setUint32(0, value >>> 0);
          return bytes;
        },
      };
    }
    case 'SHA1':
    case 'SHA256': {
      const hash: Hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (chunk) => hash.update(chunk), digest: async () => new Uint8Array(hash.digest()) };
    }
  }
}

/** The header that carries a checksum value, e.g. `x-amz-checksum-crc64nvme`. */
export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`;
/** The XML element / SDK field, e.g. `ChecksumCRC64NVME`. */
export const checksumElement = (algorithm: ChecksumAlgorithm) => `Checksum${algorithm}`;

/**
 * Parses an algorithm name from a request (`x-amz-checksum-algorithm`, `x-amz-sdk-checksum-algorithm`).
 * Returns undefined when absent; throws `unsupported(name)` for CRC32C and `invalid(name)` for
 * anything S3 does not know.
 */
export function parseAlgorithm(
  value: string | undefined,
  unsupported: (name: string) => Error,
  invalid: (name: string) => Error,
): ChecksumAlgorithm | undefined {
  if (value === undefined || value === '') return undefined;
  const name = value.toUpperCase();
  if ((CHECKSUM_ALGORITHMS as readonly string[]).includes(name)) return name as ChecksumAlgorithm;
  if ((KNOWN_ALGORITHMS as readonly string[]).includes(name)) throw unsupported(name);
  throw invalid(value);
}

/** The checksum value a request carries in `x-amz-checksum-<algorithm>` headers, if any. */
export function providedChecksum(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  unsupported: (name: string) => Error,
): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  for (const name of KNOWN_ALGORITHMS) {
    const value = headers[`x-amz-checksum-${name.toLowerCase()}`];
    if (typeof value !== 'string') continue;
    if (name === 'CRC32C') throw unsupported(name);
    return { algorithm: name, value };
  }
  return undefined;
}

/**
 * S3's composite checksum of a multipart upload: the checksum of the concatenated binary part
 * checksums, base64, followed by `-<part count>`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
 */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partValues: readonly string[]): Promise<string> {
  const hasher = createHasher(algorithm);
  for (const value of partValues) hasher.update(Buffer.from(value, 'base64'));
  return `${Buffer.from(await hasher.digest()).toString('base64')}-${partValues.length}`;
}

/** Default type for an algorithm: CRC64NVME exists only as FULL_OBJECT; the others default to COMPOSITE. */
export function defaultChecksumType(algorithm: ChecksumAlgorithm): ChecksumType {
  return algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
}

/** Whether S3 accepts this algorithm with this multipart checksum type (SHA has no full-object form, CRC64NVME no composite). */
export function isValidCombination(algorithm: ChecksumAlgorithm, type: ChecksumType): boolean {
  if (algorithm === 'CRC64NVME') return type === 'FULL_OBJECT';
  if (algorithm === 'SHA1' || algorithm === 'SHA256') return type === 'COMPOSITE';
  return true;
}
