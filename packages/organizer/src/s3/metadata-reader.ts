import type { S3Client } from '@aws-sdk/client-s3';
import {
  type ExiftoolOptions,
  ExiftoolProcess,
  type MetadataResult,
  readMetadataFromStream,
} from '@photo-organizer/exiftool';
import { createRangeReader, type ReaderStats } from '@photo-organizer/s3-range-reader';

export interface ObjectVersion {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly eTag: string;
  readonly size: number;
}

export interface MetadataRead {
  readonly result: MetadataResult;
  readonly stats: ReaderStats;
}

/** Reads an S3 object's metadata with exiftool, fetching only the bytes exiftool asks for. */
export interface MetadataReader {
  read(object: ObjectVersion, signal?: AbortSignal): Promise<MetadataRead>;
  close(): Promise<void>;
}

export interface MetadataReaderOptions {
  /** `random-access` (default): exiftool seeks through a block cache; `stream`: sequential chunks until exiftool exits. */
  readonly mode: 'random-access' | 'stream';
  readonly exiftool: ExiftoolOptions;
}

/**
 * One warm exiftool process for the container's life (random access), or a fresh exiftool per
 * object fed by adaptive chunks (stream mode). Both read the one version pinned by `eTag`.
 */
export function createMetadataReader(options: MetadataReaderOptions): MetadataReader {
  const warm = options.mode === 'random-access' ? new ExiftoolProcess(options.exiftool) : undefined;
  return {
    async read(object, signal) {
      const reader = createRangeReader({
        client: object.client,
        bucket: object.bucket,
        key: object.key,
        versionId: object.versionId,
        etag: object.eTag || undefined,
        size: object.size,
        signal,
      });
      // Only the extension reaches exiftool (it tells DNG from TIFF, MP4 from MOV), never the key.
      const fileName = object.key.slice(object.key.lastIndexOf('/') + 1);
      const result = warm
        ? await warm.readMetadata(reader, { fileName, ...(signal ? { signal } : {}) })
        : await readMetadataFromStream(reader.chunks(signal ? { signal } : {}), { ...options.exiftool, ...(signal ? { signal } : {}) });
      return { result, stats: reader.stats };
    },
    async close() {
      await warm?.close();
    },
  };
}
