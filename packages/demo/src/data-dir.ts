import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file the demo leaves in every data folder it creates, so it only ever wipes its own. */
export const DATA_DIR_MARKER = '.photo-organizer-demo';

/** The data folder holds files the demo did not put there; nothing was touched. */
export class DataDirNotOursError extends Error {
  override readonly name = 'DataDirNotOursError';
  constructor(readonly directory: string) {
    super(
      `${directory} is not empty and was not created by the demo (no ${DATA_DIR_MARKER} file in it); ` +
        'nothing was touched: give --data-dir a new or empty folder',
    );
  }
}

export interface PreparedDataDir {
  readonly directory: string;
  /** True when the folder is new (or was wiped): nothing from an earlier run is in it. */
  readonly fresh: boolean;
}

/**
 * Makes `directory` ready for a run. A new or empty folder gets the marker; a folder with the
 * marker is the demo's own and is wiped (`keep: false`) or reused as it is (`keep: true`, for
 * `--serve`); any other non-empty folder is refused. `ownedAnyway` marks the default `.demo/`
 * (ignored by git, documented as the demo's) as the demo's even when an older demo made it without
 * a marker.
 *
 * @throws {DataDirNotOursError} when the folder has other files in it.
 */
export async function prepareDataDir(
  directory: string,
  options: { readonly keep: boolean; readonly ownedAnyway?: boolean },
): Promise<PreparedDataDir> {
  const entries: string[] = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    if (!entries.includes(DATA_DIR_MARKER) && !options.ownedAnyway) throw new DataDirNotOursError(directory);
    if (options.keep) {
      await writeFile(path.join(directory, DATA_DIR_MARKER), markerText());
      return { directory, fresh: false };
    }
    await rm(directory, { recursive: true, force: true });
  }
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, DATA_DIR_MARKER), markerText());
  return { directory, fresh: true };
}

function markerText(): string {
  return 'Made by photo-organizer\'s demo (packages/demo). The demo may delete this folder; `make demo-clean` does.\n';
}
