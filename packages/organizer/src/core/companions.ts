/**
 * Groups of files that belong to one shot, recognised by name in one folder (issue 18,
 * docs/date-policy.md "Companion files"): a primary (a photo, else a RAW, else a video) and its
 * members: XMP sidecars, Apple `.AAE` edits, the video of a Live Photo, the RAW of a RAW+JPEG
 * pair, Google Takeout's `.json`. Pure: names in, names out; no request is made here.
 */
import { splitExtension } from './key-template.js';

/**
 * The tags groups read: Apple's ContentIdentifier, the same in both halves of a Live Photo (HEIC
 * maker notes, MOV `Keys`; https://exiftool.org/TagNames/Apple.html, QuickTime.html#Keys).
 * @example
 * new ExiftoolProcess({ tags: [...DATE_POLICY_TAGS, ...COMPANION_TAGS] });
 */
export const COMPANION_TAGS: readonly string[] = Object.freeze(['ContentIdentifier']);

/**
 * A file that is not a photo or video but belongs to one.
 * @example
 * const kind: CompanionKind | undefined = companionKindOf('IMG_1234.AAE'); // 'aae'
 */
export type CompanionKind = 'xmp' | 'aae' | 'takeout-json';
/**
 * What a media file is, by extension: a rendered picture, a camera RAW, a video.
 * @example
 * const klass: MediaClass | undefined = mediaClassOf('IMG_1234.HEIC'); // 'still'
 */
export type MediaClass = 'still' | 'raw' | 'video';

/** Rendered pictures, in the order a group prefers them as its primary. */
const STILL_EXTENSIONS = ['heic', 'heif', 'jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'avif', 'jxl', 'gif', 'bmp'];
/** Camera RAW formats (exiftool's TagNames list of RAW types). */
const RAW_EXTENSIONS = [
  'dng', 'nef', 'nrw', 'cr2', 'cr3', 'crw', 'arw', 'srf', 'sr2', 'raf', 'orf', 'ori', 'rw2', 'rwl', 'pef', 'srw', 'x3f', '3fr', 'fff', 'iiq', 'erf', 'mef', 'mos', 'mrw', 'kdc', 'dcr',
];
const VIDEO_EXTENSIONS = ['mov', 'mp4', 'm4v', '3gp', '3g2', 'avi', 'mts', 'm2ts', 'mkv', 'webm', 'mpg', 'mpeg', 'wmv'];
/** Videos that can be the moving half of a Live Photo (Apple writes MOV; Takeout exports MP4). */
const LIVE_VIDEO_EXTENSIONS = ['mov', 'mp4'];

/**
 * Takeout clips a JSON's name, before `.json` (and before a `(n)` counter), to this many
 * characters. Observed in exports (TheLastGimbus/GooglePhotosTakeoutHelper#8: 51 characters with
 * `.json`; ente-io/ente#4956 and pulsejet/memories#1559 for `.supplemental-metadata`).
 * @example
 * 'Urlaub in Knaufspesch in der Schneifel (38).JPG'.slice(0, TAKEOUT_NAME_LIMIT) + '.json'; // '...Schneifel (38).JP.json'
 */
export const TAKEOUT_NAME_LIMIT = 46;
const SUPPLEMENTAL = '.supplemental-metadata';
/** Suffixes Takeout gives edited copies (`IMG_1234-edited.jpg`), which share the original's JSON. */
const EDITED_SUFFIXES = ['-edited', '-bearbeitet', '-modifié', '-editado', '-ha editado', '-modificato', '-bewerkt'];

/**
 * The media class of a file name by its extension, case-insensitively; undefined for other files.
 *
 * @example
 * mediaClassOf('DSC_0001.NEF'); // 'raw'
 */
export function mediaClassOf(fileName: string): MediaClass | undefined {
  const ext = splitExtension(fileName).ext.toLowerCase();
  if (STILL_EXTENSIONS.includes(ext)) return 'still';
  if (RAW_EXTENSIONS.includes(ext)) return 'raw';
  if (VIDEO_EXTENSIONS.includes(ext)) return 'video';
  return undefined;
}

/**
 * Which companion a file name is (`.xmp`, `.aae`, `.json`), case-insensitively. A `.json` is only
 * a candidate: it is Takeout's when its content says so ({@link parseTakeoutJson}).
 *
 * @example
 * companionKindOf('IMG_1234.JPG.xmp'); // 'xmp'
 */
export function companionKindOf(fileName: string): CompanionKind | undefined {
  const ext = splitExtension(fileName).ext.toLowerCase();
  if (ext === 'xmp') return 'xmp';
  if (ext === 'aae') return 'aae';
  if (ext === 'json') return 'takeout-json';
  return undefined;
}

/**
 * The name shared by a group's members (case-sensitive, as S3 keys are): `IMG_1234` for
 * `IMG_1234.HEIC`, `IMG_1234.MOV`, `IMG_1234.AAE`, `IMG_O1234.AAE` (Apple's adjustments of the
 * original), `IMG_1234.xmp` and `IMG_1234.HEIC.xmp` (darktable and digiKam name the picture).
 * Undefined for Takeout JSON (matched by {@link takeoutJsonNames}) and other files.
 *
 * @example
 * groupStem('IMG_O1234.AAE'); // 'IMG_1234'
 */
export function groupStem(fileName: string): string | undefined {
  const { stem, ext } = splitExtension(fileName);
  const kind = companionKindOf(fileName);
  if (kind === 'xmp') return mediaClassOf(stem) ? splitExtension(stem).stem : stem;
  if (kind === 'aae') return stem.replace(/^IMG_O(\d+)$/i, 'IMG_$1');
  if (kind === undefined && ext && mediaClassOf(fileName)) return stem;
  return undefined;
}

/** Rank of a candidate primary: stills first (in {@link STILL_EXTENSIONS} order), then RAW, then video. */
function primaryRank(fileName: string): number {
  const ext = splitExtension(fileName).ext.toLowerCase();
  const klass = mediaClassOf(fileName);
  if (klass === 'still') return STILL_EXTENSIONS.indexOf(ext);
  if (klass === 'raw') return 100;
  if (klass === 'video') return 200;
  return Number.POSITIVE_INFINITY;
}

/**
 * The primary a file follows among the names in its folder, or undefined when it leads (or is
 * alone). Companions (`.xmp`, `.aae`) follow the best media of their group: a rendered still,
 * else a RAW, else a video. Media follow only a rendered still: the video of a Live Photo
 * (`.MOV`/`.MP4`) and the RAW of a RAW+JPEG pair; a still never follows. Ties go to the name
 * that sorts first, so every member of a group picks the same primary.
 *
 * @param siblings file names (not keys) in the same folder; the file itself may be among them
 * @example
 * primaryFor('IMG_1234.MOV', ['IMG_1234.AAE', 'IMG_1234.HEIC', 'IMG_1234.MOV']); // 'IMG_1234.HEIC'
 * primaryFor('IMG_1234.HEIC', ['IMG_1234.HEIC', 'IMG_1234.MOV']); // undefined
 */
export function primaryFor(fileName: string, siblings: readonly string[]): string | undefined {
  const stem = groupStem(fileName);
  if (stem === undefined) return undefined;
  const own = mediaClassOf(fileName);
  const isCompanion = companionKindOf(fileName) !== undefined;
  if (!isCompanion) {
    if (own === 'still') return undefined;
    if (own === 'video' && !LIVE_VIDEO_EXTENSIONS.includes(splitExtension(fileName).ext.toLowerCase())) return undefined;
  }
  const candidates = siblings.filter(
    (name) =>
      name !== fileName &&
      companionKindOf(name) === undefined &&
      groupStem(name) === stem &&
      (isCompanion ? mediaClassOf(name) !== undefined : mediaClassOf(name) === 'still'),
  );
  return candidates.sort((a, b) => primaryRank(a) - primaryRank(b) || (a < b ? -1 : a > b ? 1 : 0))[0];
}

/**
 * Whether a file may follow a primary at all (so whether its folder is worth listing): a companion,
 * a RAW, a `.MOV`/`.MP4`. A still or another video never follows.
 *
 * @example
 * mayFollow('IMG_1234.MOV'); // true
 * mayFollow('IMG_1234.JPG'); // false
 */
export function mayFollow(fileName: string): boolean {
  if (companionKindOf(fileName)) return true;
  const klass = mediaClassOf(fileName);
  return klass === 'raw' || (klass === 'video' && LIVE_VIDEO_EXTENSIONS.includes(splitExtension(fileName).ext.toLowerCase()));
}

/**
 * The folder-relative prefix that lists every possible primary of a file (ListObjectsV2
 * `Prefix`, after the folder): `IMG_1234.` for `IMG_1234.MOV`, `IMG_O1234.AAE` or
 * `IMG_1234.HEIC.xmp`; for a Takeout JSON, the start its media's name must have.
 *
 * @example
 * primaryListPrefix('IMG_O1234.AAE'); // 'IMG_1234.'
 * primaryListPrefix('Screenshot_20220207_102421_com.snapchat.androi.json'); // 'Screenshot_20220207_102421_com.snapchat.androi'
 */
export function primaryListPrefix(fileName: string): string | undefined {
  if (companionKindOf(fileName) === 'takeout-json') return takeoutMediaPrefix(fileName);
  const stem = groupStem(fileName);
  return stem === undefined ? undefined : `${stem}.`;
}

// ---- Google Takeout -------------------------------------------------------------------------

/**
 * The names Takeout gives the JSON of a media file, most likely first. Supported forms (from the
 * threads cited at {@link TAKEOUT_NAME_LIMIT}):
 * - `IMG_1234.JPG.json` and `IMG_1234.JPG.supplemental-metadata.json` (2024 on);
 * - clipped to 46 characters before `.json`: `Urlaub in Knaufspesch in der Schneifel (38).JP.json`,
 *   `Screenshot_2017-07-05-10-05-26.png.supplementa.json` (any prefix of
 *   `.supplemental-metadata`, down to `.s`, or none when the name itself is long);
 * - a duplicate's counter moved after the clipped part: `IMG_1234(1).jpg` ->
 *   `IMG_1234.jpg(1).json`, `IMG_1234.jpg.supplemental-metadata(1).json`;
 * - an edited copy (`IMG_1234-edited.jpg`, and the German, French, Spanish, Italian, Dutch
 *   suffixes) uses the original's JSON.
 * Not supported: JSON named after the stem only (`IMG_1234.json`), albums' `metadata.json`.
 *
 * @example
 * takeoutJsonNames('IMG_1234(1).jpg');
 * // ['IMG_1234.jpg(1).json', 'IMG_1234.jpg.supplemental-metadata(1).json', 'IMG_1234(1).jpg.json', 'IMG_1234(1).jpg.supplemental-metadata.json']
 */
export function takeoutJsonNames(mediaName: string): string[] {
  const { stem, ext } = splitExtension(mediaName);
  // Takeout's duplicate counter follows the stem directly (`IMG_1234(1)`); a name may also hold
  // its own number (`Schneifel (38)`): both readings are candidates.
  const counterMatch = /^(.+?)(\(\d+\))$/.exec(stem);
  const readings: [string, string][] = [[stem, '']];
  if (counterMatch) readings.unshift([counterMatch[1]!, counterMatch[2]!]);
  const names: string[] = [];
  for (const [reading, counter] of readings) {
    const edited = EDITED_SUFFIXES.find((suffix) => reading.endsWith(suffix));
    const base = edited ? reading.slice(0, -edited.length) : reading;
    const original = ext ? `${base}.${ext}` : base;
    names.push(`${clip(original)}${counter}.json`, `${clip(`${original}${SUPPLEMENTAL}`)}${counter}.json`);
  }
  return [...new Set(names)];
}

/**
 * The start every media name matching this Takeout JSON name has: the name without `.json`, a
 * `(n)` counter and a (clipped) `.supplemental-metadata`. Undefined when nothing is left.
 *
 * @example
 * takeoutMediaPrefix('IMG_1234.jpg.supplemental-metadata(1).json'); // 'IMG_1234.jpg'
 */
export function takeoutMediaPrefix(jsonName: string): string | undefined {
  if (!/\.json$/i.test(jsonName)) return undefined;
  let rest = jsonName.slice(0, -'.json'.length).replace(/\(\d+\)$/, '');
  const dot = rest.lastIndexOf('.');
  if (dot > 0 && dot > rest.length - SUPPLEMENTAL.length - 1 && SUPPLEMENTAL.startsWith(rest.slice(dot))) rest = rest.slice(0, dot);
  // An edited copy's name differs from the original's after its stem: list by the stem's start.
  const { stem } = splitExtension(rest);
  return stem ? stem : undefined;
}

/**
 * The media a Takeout JSON belongs to among the names in its folder: the one whose
 * {@link takeoutJsonNames} include it, an original before an edited copy.
 *
 * @example
 * takeoutMediaFor('IMG_1234.jpg.json', ['IMG_1234-edited.jpg', 'IMG_1234.jpg', 'IMG_1234.jpg.json']); // 'IMG_1234.jpg'
 */
export function takeoutMediaFor(jsonName: string, siblings: readonly string[]): string | undefined {
  const matches = siblings.filter((name) => mediaClassOf(name) !== undefined && takeoutJsonNames(name).includes(jsonName));
  const isEdited = (name: string) => EDITED_SUFFIXES.some((suffix) => splitExtension(name).stem.replace(/\(\d+\)$/, '').endsWith(suffix));
  return matches.sort((a, b) => Number(isEdited(a)) - Number(isEdited(b)) || (a < b ? -1 : a > b ? 1 : 0))[0];
}

/**
 * The folder-relative prefix that lists every Takeout JSON a media file may have (its name's
 * first 46 characters, without an edited suffix or counter).
 *
 * @example
 * takeoutJsonListPrefix('IMG_1234-edited.jpg'); // 'IMG_1234.jpg'
 */
export function takeoutJsonListPrefix(mediaName: string): string {
  const names = takeoutJsonNames(mediaName);
  let prefix = names[0]!;
  for (const name of names.slice(1)) {
    let length = 0;
    while (length < prefix.length && prefix[length] === name[length]) length++;
    prefix = prefix.slice(0, length);
  }
  return prefix;
}

/**
 * What a Takeout JSON says, as the organizer uses it.
 * @example
 * const takeout: TakeoutMetadata = { photoTakenTimeSeconds: 1625093400, title: 'IMG_1234.JPG' };
 */
export interface TakeoutMetadata {
  /** `photoTakenTime.timestamp`: seconds since 1970-01-01 UTC. */
  readonly photoTakenTimeSeconds: number;
  /** `title`: the media's name in Google Photos. */
  readonly title: string | undefined;
}

/**
 * Reads a Takeout JSON (`{"title": ..., "photoTakenTime": {"timestamp": "1625093400", ...}}`);
 * undefined for any other JSON (an album's `metadata.json`, a `package.json`, broken text), which
 * stays "not a photo or video".
 *
 * @example
 * parseTakeoutJson('{"title":"a.jpg","photoTakenTime":{"timestamp":"1625093400"}}'); // { photoTakenTimeSeconds: 1625093400, title: 'a.jpg' }
 */
export function parseTakeoutJson(text: string): TakeoutMetadata | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const taken = record['photoTakenTime'];
  if (!taken || typeof taken !== 'object') return undefined;
  const timestamp = (taken as Record<string, unknown>)['timestamp'];
  const seconds = typeof timestamp === 'string' && /^-?\d+$/.test(timestamp.trim()) ? Number(timestamp) : typeof timestamp === 'number' ? timestamp : NaN;
  if (!Number.isSafeInteger(seconds)) return undefined;
  return { photoTakenTimeSeconds: seconds, title: typeof record['title'] === 'string' ? record['title'] : undefined };
}

/** The first `limit` characters (code points: Takeout keeps whole characters). */
function clip(text: string, limit = TAKEOUT_NAME_LIMIT): string {
  const characters = Array.from(text);
  return characters.length <= limit ? text : characters.slice(0, limit).join('');
}
