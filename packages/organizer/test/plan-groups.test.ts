import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { CORPUS_MISSING, findCorpus, LOCAL_S3_CREDENTIALS, pinnedExiftool, startLocalS3 } from '@photo-organizer/test-kit';
import { describe, expect, it } from 'vitest';

// Issue 18: `photo-organizer plan` (the built CLI, the pinned exiftool, the real fixture files)
// files named together form the groups the function forms: every file of
// test-fixtures/companions.json gets its group's key, and the groups are printed.
const cli = fileURLToPath(new URL('../bin/photo-organizer.mjs', import.meta.url));
const companionsDir = fileURLToPath(new URL('../../../test-fixtures/companions/', import.meta.url));
const expected = JSON.parse(await readFile(path.join(companionsDir, '../companions.json'), 'utf8')) as {
  groups: { name: string; files: string[]; keys: string[]; dateSource: string }[];
  skipped: string[];
};
const run = promisify(execFile);

describe('photo-organizer plan, companion files', () => {
  const exiftool = pinnedExiftool();
  const environment = { ...process.env, EXIFTOOL_PERL: exiftool.perl, EXIFTOOL_LIB: exiftool.libDir, EXIFTOOL_SCRIPT: exiftool.script };
  const files = [...expected.groups.flatMap((group) => group.files), ...expected.skipped];

  it('gives every member its group\'s key and dateSource', async () => {
    const { stdout } = await run(process.execPath, [cli, 'plan', '--json', ...files], { cwd: companionsDir, env: environment });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; key: string | null; dateSource: string; companionOf?: string });
    for (const group of expected.groups) {
      group.files.forEach((file, index) => {
        const line = lines.find((item) => item.file === file);
        expect(line?.key, file).toBe(group.keys[index]);
        expect(line?.dateSource, file).toBe(group.dateSource);
      });
    }
    for (const file of expected.skipped) expect(lines.find((item) => item.file === file)?.key, file).toBeNull();
    expect(lines.find((item) => item.file === 'live/IMG_0001.MOV')?.companionOf).toBe('live/IMG_0001.HEIC');
  });

  it('prints the groups for people', async () => {
    const { stdout } = await run(process.execPath, [cli, 'plan', ...files], { cwd: companionsDir, env: environment });
    expect(stdout).toContain('Filed together:\n');
    expect(stdout).toContain('  IMG_0001.HEIC + .AAE + .MOV -> 2021-06-30/\n');
    expect(stdout).toContain('  DSC_0002.JPG + .DNG -> 2020-03-14/\n');
  });

  it('files a Live Photo video alone by its own UTC date, as before', async () => {
    const { stdout } = await run(process.execPath, [cli, 'plan', '--json', 'live/IMG_0001.MOV'], { cwd: companionsDir, env: environment });
    expect(JSON.parse(stdout)).toMatchObject({ key: '2021-07-01/IMG_0001.MOV', dateSource: 'QuickTimeUTC' });
  });

  it('keeps a same-named RAW of another camera (and another day) apart from the JPEG', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'plan-groups-'));
    try {
      await copyFile(path.join(companionsDir, 'raw/DSC_0002.JPG'), path.join(folder, 'DSC_0002.JPG'));
      await copyFile(path.join(companionsDir, 'raw/DSC_0002.DNG'), path.join(folder, 'DSC_0002.DNG'));
      // Another camera's RAW of another day under the same name.
      await run(exiftool.perl, [exiftool.script, '-q', '-overwrite_original', '-IFD0:Model=NIKON Z 30', '-ExifIFD:DateTimeOriginal=2022:02:02 10:00:00', path.join(folder, 'DSC_0002.DNG')], {
        env: { ...environment, PERL5LIB: exiftool.libDir },
      });
      const { stdout } = await run(process.execPath, [cli, 'plan', '--json', 'DSC_0002.JPG', 'DSC_0002.DNG'], { cwd: folder, env: environment });
      const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; key: string; companionOf?: string });
      expect(lines.find((line) => line.file === 'DSC_0002.DNG')).toMatchObject({ key: '2022-02-02/DSC_0002.DNG' });
      expect(lines.find((line) => line.file === 'DSC_0002.DNG')?.companionOf).toBeUndefined();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

// A real iPhone HEIC of the corpus (read in place through a symlink, never copied) carries Apple's
// ContentIdentifier in its maker notes, which exiftool cannot write into a generated file.
const corpus = findCorpus();
describe.skipIf(!corpus)(corpus ? 'photo-organizer plan, a Live Photo confirmed by ContentIdentifier' : CORPUS_MISSING, () => {
  const exiftool = pinnedExiftool();
  const environment = { ...process.env, EXIFTOOL_PERL: exiftool.perl, EXIFTOOL_LIB: exiftool.libDir, EXIFTOOL_SCRIPT: exiftool.script };

  it('a video with the still\'s ContentIdentifier follows it; one with another stays on its own day', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'plan-live-'));
    try {
      // IMG_2927.HEIC: ContentIdentifier 1745E022-9712-43C7-B024-F308EC6413CB, taken 2020-05-04.
      await symlink(path.join(corpus!, 'files/metadata-extractor-images/IMG_2927.HEIC'), path.join(folder, 'IMG_2927.HEIC'));
      const same = path.join(folder, 'IMG_2927.MOV');
      await copyFile(path.join(companionsDir, 'live/IMG_0001.MOV'), same);
      await run(exiftool.perl, [exiftool.script, '-q', '-overwrite_original', '-Keys:ContentIdentifier=1745E022-9712-43C7-B024-F308EC6413CB', same], { env: { ...environment, PERL5LIB: exiftool.libDir } });
      const { stdout } = await run(process.execPath, [cli, 'plan', '--json', 'IMG_2927.HEIC', 'IMG_2927.MOV'], { cwd: folder, env: environment });
      const video = stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; key: string; companionOf?: string }).find((line) => line.file === 'IMG_2927.MOV');
      expect(video).toMatchObject({ key: '2020-05-04/IMG_2927.MOV', companionOf: 'IMG_2927.HEIC' });

      await run(exiftool.perl, [exiftool.script, '-q', '-overwrite_original', '-Keys:ContentIdentifier=00000000-ANOTHER-SHOT', same], { env: { ...environment, PERL5LIB: exiftool.libDir } });
      const other = await run(process.execPath, [cli, 'plan', '--json', 'IMG_2927.HEIC', 'IMG_2927.MOV'], { cwd: folder, env: environment });
      const line = other.stdout.trim().split('\n').map((text) => JSON.parse(text) as { file: string; key: string; companionOf?: string }).find((item) => item.file === 'IMG_2927.MOV');
      expect(line).toMatchObject({ key: '2021-07-01/IMG_2927.MOV' });
      expect(line?.companionOf).toBeUndefined();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('photo-organizer organize, companion files', () => {
  it('files a bucket\'s groups together and prints them', async () => {
    const s3 = await startLocalS3({ buckets: ['old-photos', 'library'] });
    try {
      const client = s3.client();
      const live = expected.groups.find((group) => group.name === 'Live Photo')!;
      for (const file of live.files) {
        await client.send(new PutObjectCommand({ Bucket: 'old-photos', Key: `phone/${path.basename(file)}`, Body: await readFile(path.join(companionsDir, file)) }));
      }
      const exiftool = pinnedExiftool();
      const { stdout } = await run(process.execPath, [cli, 'organize', 's3://old-photos/phone/', '--to', 's3://library/', '--endpoint', s3.endpoint], {
        env: {
          ...process.env,
          EXIFTOOL_PERL: exiftool.perl,
          EXIFTOOL_LIB: exiftool.libDir,
          EXIFTOOL_SCRIPT: exiftool.script,
          AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
          AWS_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        timeout: 120_000,
      });
      expect(stdout).toContain('Filed together:\n  IMG_0001.HEIC + .AAE + .MOV -> 2021-06-30/');
      const page = await client.send(new ListObjectsV2Command({ Bucket: 'library' }));
      expect((page.Contents ?? []).map((object) => object.Key).sort()).toEqual([...live.keys].sort());
    } finally {
      await s3.stop();
    }
  });
});
