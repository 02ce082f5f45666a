import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { CORPUS_MISSING, findCorpus, type LocalPipeline, pinnedExiftool, startLocalPipeline } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 18: groups of files (Live Photo + AAE, RAW+JPEG, Google Takeout, a lone XMP) through the
// built bundle under the real Lambda runtime interface client, fed by the local S3 server's real
// events, every event delivered twice, with Lambda's asynchronous retries (delays scaled down).
// Nothing is mocked.
const fixturesDir = fileURLToPath(new URL('../../../test-fixtures/', import.meta.url));
interface Group {
  readonly name: string;
  readonly files: readonly string[];
  readonly primary?: string;
  readonly keys: readonly string[];
  readonly dateSource: string;
}
const expected = JSON.parse(await readFile(path.join(fixturesDir, 'companions.json'), 'utf8')) as { groups: Group[]; skipped: string[] };
const group = (name: string) => expected.groups.find((item) => item.name === name)!;
const GRACE_SECONDS = 4;

async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/**
 * One local pipeline per block (the built function under the runtime client, the local S3 server
 * and its events): `{dir}` in the key template keeps each scenario's folder apart in the library,
 * `environment` adds the block's settings. `onStart` receives it before the first test.
 */
function usePipeline(environment: Record<string, string>, options: { readonly twice?: boolean; readonly retryDelayMs?: number }, onStart: (pipeline: LocalPipeline) => void): void {
  let pipeline: LocalPipeline | undefined;
  beforeAll(async () => {
    pipeline = await startLocalPipeline({
      sourceBucket: 'uploads',
      destinationBucket: 'library',
      environment: { KEY_TEMPLATE: '{dir}/{yyyy}-{mm}-{dd}/{name}', COMPANION_GRACE_SECONDS: String(GRACE_SECONDS), ...environment },
      ...(options.twice ? { deliver: (event: S3Event) => [event, event] } : {}),
      concurrency: 3,
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
    });
    onStart(pipeline);
  });
  afterAll(async () => {
    await pipeline?.stop();
  });
}

/** Uploads a fixture of `test-fixtures/companions/` under `folder/`. */
async function uploadFixture(client: S3Client, folder: string, file: string): Promise<void> {
  const body = await readFile(path.join(fixturesDir, 'companions', file));
  await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: `${folder}/${path.basename(file)}`, Body: body }));
}

describe('companion files are filed with their photo, in any order, each event delivered twice', () => {
  let pipeline: LocalPipeline;
  let client: S3Client;

  // Every event delivered twice. Waits happen inside the invocation (60 s timeout); retries, if
  // any, after 2.5 s and 5 s more.
  usePipeline({}, { twice: true, retryDelayMs: 2500 }, (started) => {
    pipeline = started;
    client = started.s3.client();
  });
  const upload = (folder: string, file: string) => uploadFixture(client, folder, file);
  const libraryKeys = (folder: string) => listKeys(client, 'library', `${folder}/`);
  const expectedKeys = (folder: string, item: Group) => item.keys.map((key) => `${folder}/${key}`).sort();
  const loggedWaiting = (key: string) => pipeline.runtime.logs.some((log) => log.line.includes('"waiting"') && log.line.includes(key));
  async function until(condition: () => boolean, what: string) {
    const deadline = Date.now() + 20_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('a Live Photo whose video and AAE come first: they wait, then follow the still to its day', async () => {
    const live = group('Live Photo');
    await upload('members-first', 'live/IMG_0001.MOV');
    await upload('members-first', 'live/IMG_0001.AAE');
    await until(() => loggedWaiting('members-first/IMG_0001.MOV') && loggedWaiting('members-first/IMG_0001.AAE'), 'the members to wait');
    await upload('members-first', 'live/IMG_0001.HEIC');
    await pipeline.idle();
    expect(await libraryKeys('members-first')).toEqual(expectedKeys('members-first', live));
    const video = await client.send(new HeadObjectCommand({ Bucket: 'library', Key: 'members-first/2021-06-30/IMG_0001.MOV' }));
    expect(video.Metadata).toMatchObject({ 'date-source': live.dateSource, 'capture-date': '2021-06-30T23:10:00-07:00' });
    expect(decodeURIComponent(video.Metadata?.['companion-of'] ?? '')).toBe('members-first/IMG_0001.HEIC');
  });

  it('a Live Photo whose still comes first', async () => {
    await upload('still-first', 'live/IMG_0001.HEIC');
    await pipeline.idle();
    await upload('still-first', 'live/IMG_0001.AAE');
    await upload('still-first', 'live/IMG_0001.MOV');
    await pipeline.idle();
    expect(await libraryKeys('still-first')).toEqual(expectedKeys('still-first', group('Live Photo')));
  });

  it('a Live Photo uploaded all at once', async () => {
    await Promise.all(group('Live Photo').files.map((file) => upload('together', file)));
    await pipeline.idle();
    expect(await libraryKeys('together')).toEqual(expectedKeys('together', group('Live Photo')));
  });

  // A real iPhone HEIC of the corpus (its bytes read at test time, never copied into the repo)
  // carries Apple's ContentIdentifier, which exiftool cannot write into a generated still.
  const corpus = findCorpus();
  it.skipIf(!corpus)(corpus ? 'a Live Photo is confirmed by ContentIdentifier: a video of another shot stays on its own day' : CORPUS_MISSING, async () => {
    const heic = await readFile(path.join(corpus!, 'files/metadata-extractor-images/IMG_2927.HEIC')); // 1745E022-..., 2020-05-04
    const scratch = await mkdtemp(path.join(tmpdir(), 'companions-cid-'));
    try {
      const video = path.join(scratch, 'IMG_2927.MOV');
      const exiftool = pinnedExiftool();
      for (const [folder, identifier] of [['cid-same', '1745E022-9712-43C7-B024-F308EC6413CB'], ['cid-other', '00000000-ANOTHER-SHOT']] as const) {
        await copyFile(path.join(fixturesDir, 'companions/live/IMG_0001.MOV'), video);
        await promisify(execFile)(exiftool.perl, ['-I', exiftool.libDir, exiftool.script, '-q', '-overwrite_original', `-Keys:ContentIdentifier=${identifier}`, video]);
        await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: `${folder}/IMG_2927.HEIC`, Body: heic }));
        await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: `${folder}/IMG_2927.MOV`, Body: await readFile(video) }));
      }
      await pipeline.idle();
      expect(await libraryKeys('cid-same')).toEqual(['cid-same/2020-05-04/IMG_2927.HEIC', 'cid-same/2020-05-04/IMG_2927.MOV']);
      expect(await libraryKeys('cid-other')).toEqual(['cid-other/2020-05-04/IMG_2927.HEIC', 'cid-other/2021-07-01/IMG_2927.MOV']);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('a RAW+JPEG pair, in both orders', async () => {
    const pair = group('RAW+JPEG');
    await upload('jpeg-first', 'raw/DSC_0002.JPG');
    await pipeline.idle();
    await upload('jpeg-first', 'raw/DSC_0002.DNG');
    await upload('raw-first', 'raw/DSC_0002.DNG');
    await pipeline.idle();
    await upload('raw-first', 'raw/DSC_0002.JPG');
    await pipeline.idle();
    expect(await libraryKeys('jpeg-first')).toEqual(expectedKeys('jpeg-first', pair));
    expect(await libraryKeys('raw-first')).toEqual(expectedKeys('raw-first', pair));
    const raw = await client.send(new HeadObjectCommand({ Bucket: 'library', Key: 'jpeg-first/2020-03-14/DSC_0002.DNG' }));
    expect(decodeURIComponent(raw.Metadata?.['companion-of'] ?? '')).toBe('jpeg-first/DSC_0002.JPG');
  });

  it('an XMP sidecar uploaded before its photo follows it, not its own edit date', async () => {
    const sidecar = group('XMP sidecar');
    await upload('xmp', 'xmp/IMG_2001.JPG.xmp');
    await upload('xmp', 'xmp/IMG_2001.JPG');
    await pipeline.idle();
    expect(await libraryKeys('xmp')).toEqual(expectedKeys('xmp', sidecar));
  });

  const takeoutGroups = () => expected.groups.filter((item) => item.name.startsWith('Takeout'));
  const takeoutFolder = (root: string) => `${root}/${path.dirname(group('Takeout').files[0]!).replace(/^takeout\//, '')}`;
  const takeoutFiles = () => [...takeoutGroups().flatMap((item) => item.files), ...expected.skipped.filter((file) => file.startsWith('takeout/'))];

  it('a Takeout folder (media without EXIF + JSON) uploaded at once is filed by photoTakenTime', async () => {
    const folder = takeoutFolder('takeout-together');
    await Promise.all(takeoutFiles().map((file) => upload(folder, file)));
    await pipeline.idle();
    const all = takeoutGroups().flatMap((item) => expectedKeys(folder, item)).sort();
    expect(await listKeys(client, 'library', 'takeout-together/')).toEqual(all);
    expect(await listKeys(client, 'library', 'undated/')).toEqual([]);
    const media = await client.send(new HeadObjectCommand({ Bucket: 'library', Key: `${folder}/2021-06-30/received_10157.jpeg` }));
    expect(media.Metadata).toMatchObject({ 'date-source': 'TakeoutJson', 'date-tag': 'photoTakenTime', 'capture-date': '2021-06-30T22:50:00+00:00' });
    // The album's metadata.json is Takeout's but about no photo: left where it is, as before.
    const skipped = pipeline.runtime.logs.find((log) => log.line.includes('"skipped"') && log.line.includes(`${folder}/metadata.json`));
    expect(skipped?.line).toMatch(/"reason":"unsupported-file-type"/);
  });

  it('a Takeout photo filed before its JSON arrives moves to the JSON\'s date, leaving no copy behind', async () => {
    const folder = takeoutFolder('takeout-media-first');
    const takeout = group('Takeout');
    await upload(folder, takeout.files[0]!);
    await pipeline.idle();
    expect(await listKeys(client, 'library', `undated/${folder}/`)).toEqual([`undated/${folder}/received_10157.jpeg`]);
    await upload(folder, takeout.files[1]!);
    await pipeline.idle();
    expect(await listKeys(client, 'library', 'takeout-media-first/')).toEqual(expectedKeys(folder, takeout));
    expect(await listKeys(client, 'library', `undated/${folder}/`)).toEqual([]);
  });

  it('removes only its own stale copy of a Takeout photo: another file at that name stays', async () => {
    const folder = takeoutFolder('takeout-foreign');
    const takeout = group('Takeout');
    // Someone else's file where the photo would go undated: the photo is numbered beside it.
    await client.send(new PutObjectCommand({ Bucket: 'library', Key: `undated/${folder}/received_10157.jpeg`, Body: 'not ours' }));
    await upload(folder, takeout.files[0]!);
    await pipeline.idle();
    expect(await listKeys(client, 'library', `undated/${folder}/`)).toEqual([`undated/${folder}/received_10157-1.jpeg`, `undated/${folder}/received_10157.jpeg`]);
    await upload(folder, takeout.files[1]!);
    await pipeline.idle();
    expect(await listKeys(client, 'library', `undated/${folder}/`)).toEqual([`undated/${folder}/received_10157.jpeg`]);
    expect(await listKeys(client, 'library', 'takeout-foreign/')).toEqual(expectedKeys(folder, takeout));
  });

  it('a lone XMP waits the grace period, then is filed by its own date', async () => {
    await upload('lone', 'lone/DSC_0099.xmp');
    await pipeline.idle();
    expect(loggedWaiting('lone/DSC_0099.xmp')).toBe(true);
    expect(await libraryKeys('lone')).toEqual(expectedKeys('lone', group('lone XMP')));
  });

  it('skips a JSON that is not Takeout\'s, as before', async () => {
    await upload('other', 'other/settings.json');
    await pipeline.idle();
    expect(await libraryKeys('other')).toEqual([]);
    const line = pipeline.runtime.logs.find((log) => log.line.includes('"skipped"') && log.line.includes('other/settings.json'));
    expect(line?.line).toMatch(/"reason":"unsupported-file-type"/);
    expect(line?.line).toContain('"detail":"JSON (application/json) is not a photo or video"');
  });

  it('made no numbered duplicates, lost no event, and waited without a function error (no alarm)', async () => {
    const all = await listKeys(client, 'library');
    expect(all.filter((key) => /-\d+\.[^./]+$/.test(key))).toEqual([]);
    expect(all.filter((key) => key.startsWith('undated/'))).toEqual(['undated/takeout-foreign/Takeout/Google Photos/Photos from 2021/received_10157.jpeg']);
    expect(pipeline.failures).toEqual([]);
    expect(pipeline.invocations.filter((invocation) => invocation.error)).toEqual([]);
  });
});

describe('move mode: a companion arriving after its photo was moved still follows it', () => {
  let pipeline: LocalPipeline;
  let client: S3Client;

  usePipeline({ MOVE: 'true' }, { twice: true, retryDelayMs: 2500 }, (started) => {
    pipeline = started;
    client = started.s3.client();
  });
  const upload = (folder: string, file: string) => uploadFixture(client, folder, file);

  it('files the video and AAE of a Live Photo whose still was already moved under the still\'s day, and moves them', async () => {
    const live = group('Live Photo');
    await upload('moved', 'live/IMG_0001.HEIC');
    await pipeline.idle();
    expect(await listKeys(client, 'uploads', 'moved/')).toEqual([]);
    await upload('moved', 'live/IMG_0001.MOV');
    await upload('moved', 'live/IMG_0001.AAE');
    await pipeline.idle();
    const library = await listKeys(client, 'library');
    expect(library.filter((key) => key.startsWith('moved/'))).toEqual(live.keys.map((key) => `moved/${key}`).sort());
    // Where each moved file went is recorded under the hidden pointer folder, by source key.
    expect(library.filter((key) => key.startsWith('.photo-organizer/'))).toContain('.photo-organizer/moved/uploads/moved/IMG_0001.HEIC.moved');
    expect(await listKeys(client, 'uploads', 'moved/')).toEqual([]);
    expect(pipeline.failures).toEqual([]);
  });

  // A photo without a date of its own no longer waits for its Takeout JSON in move mode (billed
  // Lambda time); it is moved at once, and the JSON's event or its own re-look files it again.
  const photoInvocations = (key: string) =>
    pipeline.invocations.filter((invocation) => invocation.logs.some((line) => line.includes('"organized"') && line.includes(`"source":"s3://uploads/${key}"`)));
  const loggedWaiting = (key: string) => pipeline.runtime.logs.some((log) => log.line.includes('"waiting"') && log.line.includes(key));
  /** The photo and its JSON under the JSON's date, once each; nothing left in the source or undated. */
  async function expectTakeoutFiled(folder: string) {
    const takeout = group('Takeout');
    expect(await listKeys(client, 'library', `${folder}/`)).toEqual(takeout.keys.map((key) => `${folder}/${key}`).sort());
    expect(await listKeys(client, 'library', `undated/${folder}/`)).toEqual([]);
    expect(await listKeys(client, 'uploads', `${folder}/`)).toEqual([]);
    const media = await client.send(new HeadObjectCommand({ Bucket: 'library', Key: `${folder}/2021-06-30/received_10157.jpeg` }));
    expect(media.Metadata).toMatchObject({ 'date-source': 'TakeoutJson', 'capture-date': '2021-06-30T22:50:00+00:00', 'source-key': encodeURIComponent(`${folder}/received_10157.jpeg`) });
    // The photo's pointer names where it is now, for companions arriving later.
    const pointer = await client.send(new GetObjectCommand({ Bucket: 'library', Key: `.photo-organizer/moved/uploads/${folder}/received_10157.jpeg.moved` }));
    expect(JSON.parse(await pointer.Body!.transformToString('utf8'))).toMatchObject({ targetKey: `${folder}/2021-06-30/received_10157.jpeg`, decision: { dateSource: 'TakeoutJson' } });
    expect(loggedWaiting(`${folder}/received_10157.jpeg"`)).toBe(false);
    for (const invocation of photoInvocations(`${folder}/received_10157.jpeg`)) expect(invocation.durationMs).toBeLessThan(GRACE_SECONDS * 1000);
  }

  it('a Takeout photo without a date is moved at once; its JSON 0.5 s later files it under the JSON\'s date', async () => {
    const takeout = group('Takeout');
    const folder = 'takeout-moved';
    await upload(folder, takeout.files[0]!);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await upload(folder, takeout.files[1]!);
    await pipeline.idle();
    await expectTakeoutFiled(folder);
    expect(photoInvocations(`${folder}/received_10157.jpeg`).length).toBeGreaterThan(0);
    expect(pipeline.failures).toEqual([]);
  });

  it('a Takeout photo moved undated before its JSON came is re-filed from the library by the JSON\'s event', async () => {
    const takeout = group('Takeout');
    const folder = 'takeout-photo-first';
    await upload(folder, takeout.files[0]!);
    await pipeline.idle();
    // Moved at once, without waiting for a JSON: undated for now.
    expect(await listKeys(client, 'uploads', `${folder}/`)).toEqual([]);
    expect(await listKeys(client, 'library', `undated/${folder}/`)).toEqual([`undated/${folder}/received_10157.jpeg`]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await upload(folder, takeout.files[1]!);
    await pipeline.idle();
    await expectTakeoutFiled(folder);
    const refiled = pipeline.runtime.logs.filter((log) => log.line.includes('"refiledFrom"') && log.line.includes(`undated/${folder}/received_10157.jpeg`));
    expect(refiled.length).toBeGreaterThan(0);
  });

  it('a Takeout JSON first, its photo while the JSON waits or after the JSON was moved', async () => {
    const takeout = group('Takeout');
    await upload('takeout-json-first', takeout.files[1]!);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await upload('takeout-json-first', takeout.files[0]!);
    // The JSON waits (grace period) for its photo, then is filed alone under its own date and moved.
    await upload('takeout-json-moved', takeout.files[1]!);
    await pipeline.idle();
    expect(await listKeys(client, 'uploads', 'takeout-json-moved/')).toEqual([]);
    await upload('takeout-json-moved', takeout.files[0]!);
    await pipeline.idle();
    await expectTakeoutFiled('takeout-json-first');
    await expectTakeoutFiled('takeout-json-moved');
  });

  it('a Takeout photo and its JSON uploaded together', async () => {
    const takeout = group('Takeout');
    await Promise.all(takeout.files.map((file) => upload('takeout-together', file)));
    await pipeline.idle();
    await expectTakeoutFiled('takeout-together');
  });

  it('made no numbered duplicates and no function error', async () => {
    const all = await listKeys(client, 'library');
    expect(all.filter((key) => /-\d+\.[^./]+$/.test(key))).toEqual([]);
    expect(all.filter((key) => key.startsWith('undated/'))).toEqual([]);
    expect(pipeline.failures).toEqual([]);
    expect(pipeline.invocations.filter((invocation) => invocation.error)).toEqual([]);
  });
});

describe('sidecars on: a Takeout JSON named like a sidecar is never replaced by one', () => {
  let pipeline: LocalPipeline;
  let client: S3Client;

  // Each event once: a repeated JSON event would copy the JSON again, numbered, and hide a loss.
  usePipeline({ SIDECAR: 'true' }, {}, (started) => {
    pipeline = started;
    client = started.s3.client();
  });

  it('keeps the Takeout JSON\'s bytes when its photo, re-filed beside it, gets its sidecar', async () => {
    const takeout = group('Takeout');
    const bodies = await Promise.all(takeout.files.map((file) => readFile(path.join(fixturesDir, 'companions', file))));
    // The photo first (filed undated with its sidecar), then its JSON: the JSON is copied to
    // 2021-06-30/received_10157.jpeg.json, then the photo moves there and writes its sidecar,
    // whose name is the JSON's.
    for (const [index, file] of takeout.files.entries()) {
      await client.send(new PutObjectCommand({ Bucket: 'uploads', Key: `sidecars/${path.basename(file)}`, Body: bodies[index] }));
      await pipeline.idle();
    }
    const keys = await listKeys(client, 'library', 'sidecars/');
    const texts = await Promise.all(
      keys.map(async (key) => (await (await client.send(new GetObjectCommand({ Bucket: 'library', Key: key }))).Body!.transformToString('utf8'))),
    );
    // The photo is there, and so is the Takeout JSON, byte for byte, under its name or numbered.
    expect(keys).toContain('sidecars/2021-06-30/received_10157.jpeg');
    expect(texts).toContain(bodies[1]!.toString('utf8'));
    expect(pipeline.failures).toEqual([]);
  });
});
