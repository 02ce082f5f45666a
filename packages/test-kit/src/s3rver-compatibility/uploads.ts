import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChecksumAlgorithm, ChecksumType } from './checksums.js';

/** One multipart upload in progress, as ListMultipartUploads describes it. */
export interface Upload {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  /** ISO time of CreateMultipartUpload. */
  readonly initiated: string;
  /** Content headers and `x-amz-meta-*` given to CreateMultipartUpload, applied at completion. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Set when the upload was created with `x-amz-checksum-algorithm`. */
  readonly checksumAlgorithm: ChecksumAlgorithm | undefined;
  readonly checksumType: ChecksumType | undefined;
}

/** One stored part, as ListParts describes it. */
export interface Part {
  readonly partNumber: number;
  /** Quoted MD5 of the part's bytes. */
  readonly eTag: string;
  readonly size: number;
  readonly lastModified: string;
  /** Base64 checksum of the part in the upload's algorithm (when it has one). */
  readonly checksum: string | undefined;
}

/**
 * Multipart uploads kept on disk at `<root>/<bucket>/._S3rver_uploads/<uploadId>/` (the folder
 * s3rver used, so tools that look there for leftovers still find them): `upload.json` and, per part,
 * `<n>` (bytes) and `<n>.json` (facts). s3rver's listing only shows files named `*._S3rver_object`,
 * so these never appear as objects.
 */
export class UploadStore {
  constructor(private readonly root: string) {}

  private directory(bucket: string, uploadId?: string): string {
    const base = path.join(this.root, bucket, '._S3rver_uploads');
    return uploadId === undefined ? base : path.join(base, uploadId);
  }

  partPath(upload: Upload, partNumber: number): string {
    return path.join(this.directory(upload.bucket, upload.uploadId), String(partNumber));
  }

  async create(fields: Omit<Upload, 'uploadId' | 'initiated'>): Promise<Upload> {
    const upload: Upload = { ...fields, uploadId: randomBytes(16).toString('hex'), initiated: new Date().toISOString() };
    const directory = this.directory(upload.bucket, upload.uploadId);
    await mkdir(directory, { recursive: true });
    await writeFile(path.join(directory, 'upload.json'), JSON.stringify(upload));
    return upload;
  }

  /** The upload, or undefined when it does not exist (never created, completed or aborted) or belongs to another key. */
  async get(bucket: string, uploadId: string, key?: string): Promise<Upload | undefined> {
    if (!/^[0-9a-f]{32}$/.test(uploadId)) return undefined;
    try {
      const upload = JSON.parse(await readFile(path.join(this.directory(bucket, uploadId), 'upload.json'), 'utf8')) as Upload;
      return key === undefined || upload.key === key ? upload : undefined;
    } catch {
      return undefined;
    }
  }

  async list(bucket: string): Promise<Upload[]> {
    const ids = await readdir(this.directory(bucket)).catch(() => [] as string[]);
    const uploads = await Promise.all(ids.map((id) => this.get(bucket, id)));
    return uploads
      .filter((upload): upload is Upload => upload !== undefined)
      .sort((a, b) => (a.key === b.key ? a.initiated.localeCompare(b.initiated) : a.key < b.key ? -1 : 1));
  }

  /** Moves a fully written temp file into place as part `partNumber` (replacing an earlier one, as S3 does). */
  async putPart(upload: Upload, part: Part, temporaryFile: string): Promise<void> {
    const target = this.partPath(upload, part.partNumber);
    await rename(temporaryFile, target).catch(async (error: NodeJS.ErrnoException) => {
      // The scratch directory may be on another file system than the server's directory.
      if (error.code !== 'EXDEV') throw error;
      await copyFile(temporaryFile, target);
    });
    await writeFile(`${target}.json`, JSON.stringify(part));
  }

  async parts(upload: Upload): Promise<Part[]> {
    const names = await readdir(this.directory(upload.bucket, upload.uploadId)).catch(() => [] as string[]);
    const parts = await Promise.all(
      names
        .filter((name) => /^\d+\.json$/.test(name))
        .map(async (name) => JSON.parse(await readFile(path.join(this.directory(upload.bucket, upload.uploadId), name), 'utf8')) as Part),
    );
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async remove(upload: Pick<Upload, 'bucket' | 'uploadId'>): Promise<void> {
    await rm(this.directory(upload.bucket, upload.uploadId), { recursive: true, force: true });
  }
}
