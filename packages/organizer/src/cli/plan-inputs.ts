import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './s3-url.js';

/**
 * The files `plan` looks at: each argument that is a file, and every file under each argument
 * that is a folder (recursively, hidden files and folders left out, in name order). Checked
 * before any work, so a mistyped path is one line, not a half-done plan.
 *
 * @throws {UsageError} when an argument does not exist or cannot be read.
 * @example
 * await planInputs(['~/Pictures/2024', 'IMG_0001.jpg']); // ['…/2024/a.jpg', '…/2024/trip/b.mov', 'IMG_0001.jpg']
 */
export async function planInputs(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const info = await stat(given).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`${given}: ${describeFsError(error)}`, { cause: error });
    });
    if (info.isFile()) {
      files.push(given);
    } else if (info.isDirectory()) {
      const found = await filesUnder(given).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`${given}: ${describeFsError(error)}`, { cause: error });
      });
      files.push(...found);
    } else {
      throw new UsageError(`${given} is neither a file nor a folder`);
    }
  }
  return files;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !isHidden(path.relative(directory, path.join(entry.parentPath, entry.name))))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort((a, b) => a.localeCompare(b));
}

/** `.DS_Store`, `.thumbnails/x.jpg`: not the user's photos. */
function isHidden(relative: string): boolean {
  return relative.split(path.sep).some((part) => part.startsWith('.'));
}

function describeFsError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return 'no such file or folder';
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'permission denied';
  if (error.code === 'ENOTDIR') return 'a part of this path is not a folder';
  return error.message;
}
