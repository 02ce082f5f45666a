import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { RandomAccessSource } from './types.js';

/** Options of {@link fileSource}. */
export interface FileSourceOptions {
  /**
   * Reads are served from aligned blocks of this size, each read from disk once (the range
   * reader's semantics, so byte counts compare).
   * @default 65536
   */
  readonly blockSize?: number;
}

/** What a {@link fileSource} has read from disk. */
export interface FileSourceStats {
  /** Bytes read from the file (whole blocks, the last one possibly short). */
  bytesFetched: number;
  /** Disk reads: one per run of adjacent missing blocks. */
  requests: number;
}

export interface FileSource extends RandomAccessSource {
  readonly stats: FileSourceStats;
  /** Closes the file handle. */
  close(): Promise<void>;
}

/**
 * A {@link RandomAccessSource} over a local file, for the CLI (`plan <file>`) and tests.
 *
 * @example
 * ```ts
 * const source = fileSource('IMG_0001.HEIC');
 * const result = await exiftool.readMetadata(source);
 * console.log(source.stats.bytesFetched);
 * await source.close();
 * ```
 */
export function fileSource(filePath: string, options: FileSourceOptions = {}): FileSource {
  const blockSize = options.blockSize ?? 65_536;
  if (!Number.isSafeInteger(blockSize) || blockSize <= 0) {
    throw new TypeError(`Option blockSize must be a positive integer, got ${String(blockSize)}`);
  }
  const blocks = new Map<number, Buffer>();
  const stats: FileSourceStats = { bytesFetched: 0, requests: 0 };
  let handle: Promise<FileHandle> | undefined;
  let fileSize: number | undefined;
  const file = (): Promise<FileHandle> => (handle ??= open(filePath, 'r'));

  async function size(): Promise<number> {
    fileSize ??= (await (await file()).stat()).size;
    return fileSize;
  }

  async function fetchRun(first: number, last: number): Promise<void> {
    const total = await size();
    const start = first * blockSize;
    const end = Math.min(total, (last + 1) * blockSize);
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await (await file()).read(buffer, 0, buffer.length, start);
    stats.requests += 1;
    stats.bytesFetched += bytesRead;
    for (let index = first; index <= last; index += 1) {
      const from = (index - first) * blockSize;
      blocks.set(index, buffer.subarray(from, Math.min(bytesRead, from + blockSize)));
    }
  }

  async function read(offset: number, length: number): Promise<Uint8Array> {
    const total = await size();
    const end = Math.min(total, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const first = Math.floor(offset / blockSize);
    const last = Math.floor((end - 1) / blockSize);
    let runStart: number | undefined;
    for (let index = first; index <= last + 1; index += 1) {
      const missing = index <= last && !blocks.has(index);
      if (missing && runStart === undefined) runStart = index;
      if (!missing && runStart !== undefined) {
        await fetchRun(runStart, index - 1);
        runStart = undefined;
      }
    }
    const parts: Buffer[] = [];
    for (let index = first; index <= last; index += 1) {
      const block = blocks.get(index) ?? Buffer.alloc(0);
      const blockStart = index * blockSize;
      parts.push(block.subarray(Math.max(0, offset - blockStart), Math.max(0, end - blockStart)));
    }
    return parts.length === 1 ? (parts[0] ?? new Uint8Array(0)) : Buffer.concat(parts);
  }

  return {
    read,
    size,
    fileName: path.basename(filePath),
    stats,
    async close() {
      const opened = handle;
      handle = undefined;
      await (await opened)?.close();
    },
  };
}
