import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { makeLargeJpeg } from '@photo-organizer/test-kit';

/** A file to upload and the key it is uploaded under. */
export interface Upload {
  readonly file: string;
  readonly key: string;
}

/**
 * The checked-in fixtures (uploaded from `test-fixtures/media`, not copied), the first of them
 * again under `phone-backup/` (the same photo from a second folder: one of the two is reported as
 * a duplicate, not copied), and one large photo made on the spot in `scratch` (a real JPEG padded
 * to 64 MiB: the table then shows what range reads save, a few KiB read of 64 MiB).
 */
export async function sampleUploads(repoRoot: string, scratch: string): Promise<Upload[]> {
  const fixtures = path.join(repoRoot, 'test-fixtures/media');
  const names = (await readdir(fixtures)).sort();
  const uploads = names.map((name) => ({ file: path.join(fixtures, name), key: name }));
  if (names.includes('DSC_0001.JPG')) uploads.push({ file: path.join(fixtures, 'DSC_0001.JPG'), key: 'phone-backup/DSC_0001.JPG' });
  // Issue 18: one group of each kind filed together (Live Photo + AAE, RAW+JPEG, photo + XMP, a
  // Google Takeout folder); the lone XMP and the non-Takeout JSON are left out (the first waits the
  // grace period by design).
  const companions = path.join(repoRoot, 'test-fixtures/companions');
  for (const upload of await folderUploads(companions).catch(() => [])) {
    if (/^(lone|other)\//.test(upload.key)) continue;
    uploads.push({ file: upload.file, key: `companions/${upload.key}` });
  }
  const large = path.join(scratch, 'IMG_LARGE_64MiB.jpg');
  await makeLargeJpeg(large, 64 * 1024 ** 2);
  uploads.push({ file: large, key: 'large/IMG_LARGE_64MiB.jpg' });
  return uploads;
}

/** Every file under `directory` (hidden files left out), keyed by its path below it. */
export async function folderUploads(directory: string): Promise<Upload[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
    .map((file) => ({ file, key: path.relative(directory, file).split(path.sep).join('/') }));
}
