/**
 * Reproducible zip files: the same entries give the same bytes on any machine, on any day, so an
 * unchanged Lambda bundle or layer keeps its hash and Terraform does not redeploy it.
 */
import { deflateRawSync, crc32 } from 'node:zlib';

/**
 * One file of a zip: its path inside the archive, its bytes and its Unix mode (0o755 or 0o644).
 *
 * @example
 * ```ts
 * const entry: ZipEntry = { name: 'index.mjs', data: readFileSync('dist/lambda/index.mjs'), mode: 0o644 };
 * ```
 */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
  readonly mode: number;
}

// 1980-01-01 00:00:00, the earliest DOS date: every entry gets it, so the bytes never depend on
// when or where (time zone) the layer was built.
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

/**
 * Writes a reproducible zip: entries sorted by name, fixed timestamps, no extra fields, Unix
 * permissions kept (Lambda unzips with them, so `bin/perl` stays executable). Deflate is Node's
 * bundled zlib at level 9, pinned with the Node version; checksums are `zlib.crc32`. No ZIP64:
 * an entry or the archive must stay under 4 GiB, and at most 65,535 entries (Lambda's own limits
 * are far below: 250 MB unzipped).
 *
 * @returns the archive's bytes
 * @throws {RangeError} from `Buffer.writeUInt32LE`/`writeUInt16LE` when an entry, the archive or
 *   the entry count exceeds those limits
 * @example
 * ```ts
 * const zip = writeZip([{ name: 'bin/perl', data: perlBytes, mode: 0o755 }]);
 * ```
 */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;
  for (const entry of sorted) {
    const name = Buffer.from(entry.name, 'utf8');
    const deflated = deflateRawSync(entry.data, { level: 9 });
    const stored = deflated.length >= entry.data.length;
    const body = stored ? Buffer.from(entry.data) : deflated;
    const method = stored ? 0 : 8;
    const crc = crc32(entry.data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    localParts.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, so the external attributes hold the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | entry.mode) << 16) >>> 0, 38); // regular file + permissions
    central.writeUInt32LE(offset, 42);
    centralParts.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...localParts, centralDirectory, end]);
}
