import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Configuration, createLogger, createMetadataReader, loadConfiguration, type MetadataReader, organizeObject } from '@photo-organizer/organizer';
import { type FaultProxy, type LocalS3, pinnedExiftool, startFaultProxy, startLocalS3 } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDateDecision } from '../src/core/date-policy/capture-date.js';
import { withTakeoutDate } from '../src/core/takeout-date.js';
import { writeMovedPointer } from '../src/s3/moved-pointer.js';

// Issue 18, move mode: a photo without a date of its own is moved at once and filed again when its
// Google Takeout JSON comes. A proxy between the function and the local S3 server answers one
// chosen request with 500s (the SDK gives up: the invocation ends there, as a crash or timeout
// would), then the event is run again, as Lambda retries it. The real exiftool, the real S3
// server; nothing is mocked.
const fixtures = fileURLToPath(new URL('../../../test-fixtures/companions/takeout/Takeout/Google Photos/Photos from 2021/', import.meta.url));
const PHOTO = 'received_10157(1).jpeg';
const JSON_NAME = 'received_10157.jpeg.supplemental-metadata(1).json';
const DAY = '2021-07-01';
const photoBytes = await readFile(path.join(fixtures, PHOTO));
const jsonBytes = await readFile(path.join(fixtures, JSON_NAME));

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!).sort();
}

async function bytesOf(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

describe('move mode: a crash while a Takeout photo is filed again, then the retry', () => {
  let s3: LocalS3;
  let direct: S3Client;
  let proxy: FaultProxy;
  let metadataReader: MetadataReader;
  let configuration: Configuration;
  /** The request (method and decoded path without query) that fails while set. */
  let crashOn: { method: string; path: string } | undefined;
  /** Runs before a matching request is forwarded (to upload something "meanwhile"). */
  let meanwhile: { method: string; path: string; run: () => Promise<void> } | undefined;
  const crashes: string[] = [];
  const logs: { message: string; fields: Record<string, unknown> }[] = [];

  const pathOf = (url: string) => decodeURIComponent(url.split('?')[0]!);
  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['uploads', 'library'] });
    direct = s3.client();
    proxy = await startFaultProxy({
      target: s3.endpoint,
      chooseFault: ({ method, path: url }) => {
        if (crashOn && method === crashOn.method && pathOf(url) === crashOn.path) {
          crashes.push(`${method} ${pathOf(url)}`);
          return 'internal';
        }
        return undefined;
      },
      beforeForward: async ({ method, path: url }) => {
        if (meanwhile && method === meanwhile.method && pathOf(url) === meanwhile.path) {
          const run = meanwhile.run;
          meanwhile = undefined;
          await run();
        }
      },
    });
    const exiftool = pinnedExiftool();
    metadataReader = createMetadataReader({
      mode: 'random-access',
      exiftool: { perlPath: exiftool.perl, exiftoolLibDir: exiftool.libDir, exiftoolScriptPath: exiftool.script },
    });
    configuration = loadConfiguration({
      DESTINATION_BUCKET: 'library',
      MOVE: 'true',
      SIDECAR: 'true',
      KEY_TEMPLATE: '{dir}/{yyyy}-{mm}-{dd}/{name}',
      EXIFTOOL_PERL: exiftool.perl,
      EXIFTOOL_LIB: exiftool.libDir,
      EXIFTOOL_SCRIPT: exiftool.script,
    });
  });
  afterAll(async () => {
    await metadataReader?.close();
    await proxy?.stop();
    await s3?.stop();
  });

  // One attempt per request: the 500s end the invocation at once.
  const organize = (key: string) =>
    organizeObject(
      { bucket: 'uploads', key },
      {
        client: s3.client({ endpoint: proxy.endpoint, maxAttempts: 1 }),
        configuration,
        metadataReader,
        logger: createLogger({
          level: 'debug',
          write: (line) => {
            const { message, ...fields } = JSON.parse(line) as { message: string };
            logs.push({ message, fields });
          },
        }),
      },
    );
  const upload = (key: string, body: Buffer) => direct.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: body }));
  const pointerOf = async (key: string) => JSON.parse((await bytesOf(direct, 'library', `.photo-organizer/moved/uploads/${key}.moved`)).toString('utf8')) as Record<string, unknown>;

  /** One copy of the photo, under the JSON's date, with its sidecar; the JSON beside it (with its own); nothing left in the source or undated. */
  async function expectConverged(folder: string) {
    // (SIDECAR=true: the JSON has its own sidecar too, as every filed file.)
    const expected = [PHOTO, `${PHOTO}.json`, JSON_NAME, `${JSON_NAME}.json`].map((name) => `${folder}/${DAY}/${name}`).sort();
    expect(await listKeys(direct, 'library', `${folder}/`)).toEqual(expected);
    expect(await listKeys(direct, 'library', `undated/${folder}/`)).toEqual([]);
    expect(await listKeys(direct, 'uploads', `${folder}/`)).toEqual([]);
    expect(await bytesOf(direct, 'library', `${folder}/${DAY}/${PHOTO}`)).toEqual(photoBytes);
    expect(await bytesOf(direct, 'library', `${folder}/${DAY}/${JSON_NAME}`)).toEqual(jsonBytes);
    const sidecar = JSON.parse((await bytesOf(direct, 'library', `${folder}/${DAY}/${PHOTO}.json`)).toString('utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ dateSource: 'TakeoutJson', dateTag: 'photoTakenTime', source: { key: `${folder}/${PHOTO}` } });
    expect(sidecar.tags).toMatchObject({ 'File:MIMEType': 'image/jpeg' }); // what exiftool read, carried over
    expect(await pointerOf(`${folder}/${PHOTO}`)).toMatchObject({ targetKey: `${folder}/${DAY}/${PHOTO}`, decision: { dateSource: 'TakeoutJson' } });
  }

  it('the JSON\'s event fails between the new copy and deleting the stale one: the retry leaves one copy', async () => {
    // Prepare: the photo moved without its JSON (undated), then the JSON arrives.
    const folder = 'crash-before-delete';
    await upload(`${folder}/${PHOTO}`, photoBytes);
    expect(await organize(`${folder}/${PHOTO}`)).toMatchObject({ status: 'organized', targetKey: `undated/${folder}/${PHOTO}`, moved: true });
    await upload(`${folder}/${JSON_NAME}`, jsonBytes);

    // Act: the stale copy's delete fails (its sidecar's went first).
    crashOn = { method: 'DELETE', path: `/library/undated/${folder}/${PHOTO}` };
    await expect(organize(`${folder}/${JSON_NAME}`)).rejects.toThrow();
    crashOn = undefined;

    // Assess the crash window: the new copy holds the photo's bytes, the stale one is still there,
    // the pointer still names it, the JSON's source is kept (the event is retried).
    expect(crashes.at(-1)).toBe(`DELETE /library/undated/${folder}/${PHOTO}`);
    expect(await bytesOf(direct, 'library', `${folder}/${DAY}/${PHOTO}`)).toEqual(photoBytes);
    expect(await listKeys(direct, 'library', `undated/${folder}/`)).toEqual([`undated/${folder}/${PHOTO}`]);
    expect(await pointerOf(`${folder}/${PHOTO}`)).toMatchObject({ targetKey: `undated/${folder}/${PHOTO}` });
    expect(await listKeys(direct, 'uploads', `${folder}/`)).toEqual([`${folder}/${JSON_NAME}`]);

    // Act: the retry, twice (a repeated event changes nothing).
    expect(await organize(`${folder}/${JSON_NAME}`)).toMatchObject({ status: 'organized', targetKey: `${folder}/${DAY}/${JSON_NAME}`, moved: true });
    expect(await organize(`${folder}/${JSON_NAME}`)).toMatchObject({ status: 'skipped', reason: 'object-gone' });
    expect(await organize(`${folder}/${PHOTO}`)).toMatchObject({ status: 'skipped', reason: 'object-gone' });
    await expectConverged(folder);
  });

  it('the JSON\'s event fails after deleting the stale copy, before the pointer names the new one: the retry finishes', async () => {
    const folder = 'crash-before-pointer';
    await upload(`${folder}/${PHOTO}`, photoBytes);
    await organize(`${folder}/${PHOTO}`);
    await upload(`${folder}/${JSON_NAME}`, jsonBytes);

    crashOn = { method: 'PUT', path: `/library/.photo-organizer/moved/uploads/${folder}/${PHOTO}.moved` };
    await expect(organize(`${folder}/${JSON_NAME}`)).rejects.toThrow();
    crashOn = undefined;

    // The only copy left is the new, verified one; the pointer names the deleted stale copy.
    expect(await listKeys(direct, 'library', `undated/${folder}/`)).toEqual([]);
    expect(await bytesOf(direct, 'library', `${folder}/${DAY}/${PHOTO}`)).toEqual(photoBytes);
    expect(await pointerOf(`${folder}/${PHOTO}`)).toMatchObject({ targetKey: `undated/${folder}/${PHOTO}` });

    await organize(`${folder}/${JSON_NAME}`);
    await expectConverged(folder);
  });

  it('the same crash when another file had the photo\'s new name: the retry finds the re-filed copy under its numbered name', async () => {
    const folder = 'crash-before-pointer-taken-name';
    await upload(`${folder}/${PHOTO}`, photoBytes);
    await organize(`${folder}/${PHOTO}`);
    // Another photo already holds the name the JSON's date gives.
    await direct.send(new PutObjectCommand({ Bucket: 'library', Key: `${folder}/${DAY}/${PHOTO}`, Body: 'another photo' }));
    await upload(`${folder}/${JSON_NAME}`, jsonBytes);

    crashOn = { method: 'PUT', path: `/library/.photo-organizer/moved/uploads/${folder}/${PHOTO}.moved` };
    await expect(organize(`${folder}/${JSON_NAME}`)).rejects.toThrow();
    crashOn = undefined;
    const numbered = `${folder}/${DAY}/${PHOTO.replace(/\.jpeg$/, '-1.jpeg')}`;
    expect(await bytesOf(direct, 'library', numbered)).toEqual(photoBytes);
    expect(await listKeys(direct, 'library', `undated/${folder}/`)).toEqual([]);

    // The retry: the pointer follows the copy to its numbered name; the other photo is untouched.
    await organize(`${folder}/${JSON_NAME}`);
    expect(await pointerOf(`${folder}/${PHOTO}`)).toMatchObject({ targetKey: numbered, decision: { dateSource: 'TakeoutJson' } });
    expect((await bytesOf(direct, 'library', `${folder}/${DAY}/${PHOTO}`)).toString()).toBe('another photo');
  });

  it('the photo\'s own event finds the JSON after moving, fails before deleting its stale copy: the retry leaves one copy', async () => {
    // The JSON lands while the photo's event runs: after it looked once (no JSON), before it
    // writes its pointer and looks again.
    const folder = 'crash-photo-event';
    await upload(`${folder}/${PHOTO}`, photoBytes);
    meanwhile = { method: 'PUT', path: `/library/.photo-organizer/moved/uploads/${folder}/${PHOTO}.moved`, run: async () => void (await upload(`${folder}/${JSON_NAME}`, jsonBytes)) };
    crashOn = { method: 'DELETE', path: `/library/undated/${folder}/${PHOTO}` };
    await expect(organize(`${folder}/${PHOTO}`)).rejects.toThrow();
    crashOn = undefined;

    // Its source is kept (deleted only after its final copy is verified), and both copies are there.
    expect(meanwhile).toBeUndefined();
    expect(crashes.at(-1)).toBe(`DELETE /library/undated/${folder}/${PHOTO}`);
    expect(await listKeys(direct, 'uploads', `${folder}/`)).toEqual([`${folder}/${PHOTO}`, `${folder}/${JSON_NAME}`]);
    expect(await bytesOf(direct, 'library', `${folder}/${DAY}/${PHOTO}`)).toEqual(photoBytes);
    expect(await listKeys(direct, 'library', `undated/${folder}/`)).toEqual([`undated/${folder}/${PHOTO}`]);

    // The retry files it under the JSON's date at once and removes what the failed attempt left.
    expect(await organize(`${folder}/${PHOTO}`)).toMatchObject({ status: 'organized', targetKey: `${folder}/${DAY}/${PHOTO}`, dateSource: 'TakeoutJson', moved: true });
    expect(await organize(`${folder}/${JSON_NAME}`)).toMatchObject({ status: 'organized', targetKey: `${folder}/${DAY}/${JSON_NAME}`, moved: true });
    await expectConverged(folder);
  });

  it('converges under reordered, concurrent and repeated events (each twice, 16 interleavings)', async () => {
    // Both files are uploaded first, then their four events (each delivered twice) start with
    // staggered delays; one that fails is run again, as Lambda retries it.
    const run = async (key: string, delayMs: number) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      for (let attempt = 1; ; attempt++) {
        try {
          return await organize(key);
        } catch (error) {
          retried.push(`${key}: ${(error as Error).name}: ${(error as Error).message}`);
          if (attempt >= 3) throw error;
        }
      }
    };
    const retried: string[] = [];
    const folders = Array.from({ length: 16 }, (_, index) => `race-${index}`);
    await Promise.all(
      folders.map(async (folder, index) => {
        // The photo's first event goes first in half the runs, the JSON's in the others.
        const photoDelay = index % 2 === 0 ? 0 : 15 + (index % 4) * 10;
        const jsonDelay = index % 2 === 0 ? 15 + (index % 4) * 10 : 0;
        if (index % 3 === 0) {
          // The photo moved before its JSON is uploaded at all.
          await upload(`${folder}/${PHOTO}`, photoBytes);
          await run(`${folder}/${PHOTO}`, 0);
          await upload(`${folder}/${JSON_NAME}`, jsonBytes);
        } else {
          await Promise.all([upload(`${folder}/${PHOTO}`, photoBytes), upload(`${folder}/${JSON_NAME}`, jsonBytes)]);
        }
        await Promise.all([run(`${folder}/${PHOTO}`, photoDelay), run(`${folder}/${JSON_NAME}`, jsonDelay), run(`${folder}/${PHOTO}`, jsonDelay + 5), run(`${folder}/${JSON_NAME}`, photoDelay + 5)]);
      }),
    );
    for (const folder of folders) await expectConverged(folder);
    // The one failure a retry is allowed to mend: the photo's event checking a copy that the
    // JSON's event just re-filed and deleted (docs/date-policy.md); anything else is a defect.
    expect(retried.filter((line) => !line.includes('CopyNotVerifiedError'))).toEqual([]);
  });

  it('leaves a library copy in an archive class (STORAGE_CLASS=DEEP_ARCHIVE) where it is and says why, instead of failing the JSON\'s event on every retry', async () => {
    // Prepare: the photo moved without its JSON into DEEP_ARCHIVE, which S3 cannot copy from
    // (403 InvalidObjectState; the local server's object-state stand-in answers the same).
    const folder = 'archived-copy';
    const archiving = loadConfiguration({
      DESTINATION_BUCKET: 'library',
      MOVE: 'true',
      STORAGE_CLASS: 'DEEP_ARCHIVE',
      KEY_TEMPLATE: '{dir}/{yyyy}-{mm}-{dd}/{name}',
      EXIFTOOL_PERL: configuration.exiftool.perlPath,
      EXIFTOOL_LIB: configuration.exiftool.libDir,
      EXIFTOOL_SCRIPT: configuration.exiftool.scriptPath,
    });
    const lines: { message: string; fields: Record<string, unknown> }[] = [];
    const run = (key: string) =>
      organizeObject(
        { bucket: 'uploads', key },
        {
          client: s3.client({ endpoint: proxy.endpoint, maxAttempts: 1 }),
          configuration: archiving,
          metadataReader,
          logger: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as { message: string; fields: Record<string, unknown> }) }),
        },
      );
    await upload(`${folder}/${PHOTO}`, photoBytes);
    expect(await run(`${folder}/${PHOTO}`)).toMatchObject({ status: 'organized', targetKey: `undated/${folder}/${PHOTO}`, moved: true });
    await upload(`${folder}/${JSON_NAME}`, jsonBytes);

    // Act: the JSON's event, then the same event again (Lambda delivers at least once).
    const first = await run(`${folder}/${JSON_NAME}`);
    const second = await run(`${folder}/${JSON_NAME}`);

    // Assess: no error to retry; the photo stays in its one archived copy; the reason is logged.
    expect(first).toMatchObject({ status: 'organized', moved: true });
    expect(second).toMatchObject({ status: 'skipped', reason: 'object-gone' }); // the JSON was moved by the first
    expect(await listKeys(direct, 'library', `undated/${folder}/`)).toEqual([`undated/${folder}/${PHOTO}`]);
    expect(await listKeys(direct, 'library', `${folder}/${DAY}/`)).not.toContain(`${folder}/${DAY}/${PHOTO}`);
    const warning = lines.find((line) => line.message.startsWith('media of a Takeout JSON not re-filed: its copy cannot be copied'));
    expect(warning?.message).toContain('archived (DEEP_ARCHIVE)');
  });

  it('logged no waiting: a photo without a date is never held for its JSON', () => {
    expect(logs.filter((line) => line.message === 'waiting')).toEqual([]);
    expect(logs.filter((line) => line.message.includes('not re-filed'))).toEqual([]);
  });
});

describe('a move pointer is not undone by a late duplicate event', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['library'] });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const undated: CaptureDateDecision = { dated: false, dateSource: 'Undated', rejected: [] };
  const pointer = (targetKey: string, decision: CaptureDateDecision, sourceETag: string) => ({ sourceBucket: 'uploads', sourceKey: 'p/a.jpg', targetKey, decision, sourceETag });
  const read = async (client: S3Client) => JSON.parse((await bytesOf(client, 'library', '.photo-organizer/moved/uploads/p/a.jpg.moved')).toString('utf8')) as Record<string, unknown>;

  it('keeps a Takeout-dated pointer against an undated one of the same version, replaces it for a new version', async () => {
    const client = s3.client();
    const takeoutDated = pointer('p/2021-06-30/a.jpg', withTakeoutDate(undated, { photoTakenTimeSeconds: 1625093400, title: 'a.jpg' }, { defaultTimeZone: 'UTC' }), '"v1"');
    expect(takeoutDated.decision.dateSource).toBe('TakeoutJson');
    expect(await writeMovedPointer(client, 'library', '', pointer('undated/p/a.jpg', undated, '"v1"'))).toBe('created');
    // The re-file: only a pointer of that version is replaced.
    expect(await writeMovedPointer(client, 'library', '', pointer('p/2021-06-30/a.jpg', undated, '"v0"'), 'same-version')).toBe('kept-other-file');
    expect(await writeMovedPointer(client, 'library', '', takeoutDated, 'same-version')).toBe('replaced');
    // A duplicate event of that version, which filed it undated before the JSON came: kept.
    expect(await writeMovedPointer(client, 'library', '', pointer('undated/p/a.jpg', undated, '"v1"'))).toBe('kept-other-file');
    expect(await read(client)).toMatchObject({ targetKey: 'p/2021-06-30/a.jpg', sourceETag: 'v1' });
    // A new upload of the key, moved again: its pointer replaces the old one.
    expect(await writeMovedPointer(client, 'library', '', pointer('undated/p/a.jpg', undated, '"v2"'))).toBe('replaced');
    expect(await read(client)).toMatchObject({ targetKey: 'undated/p/a.jpg', sourceETag: 'v2' });
  });
});
