import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createLogger, createMetadataReader, loadConfiguration, type MetadataReader, organizeObject } from '@photo-organizer/organizer';
import { type FaultProxy, type LocalS3, pinnedExiftool, startFaultProxy, startLocalS3 } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Move mode must never delete what it did not copy. A proxy between the function and the local S3
// server re-uploads the source key with other bytes just before the function's DELETE reaches the
// server: the moment a real user's second upload could land. Nothing here is mocked.
const photo = await readFile(fileURLToPath(new URL('../../../test-fixtures/media/jpeg-dto-offset.jpg', import.meta.url)));
const newerUpload = await readFile(fileURLToPath(new URL('../../../test-fixtures/media/jpeg-dto-no-offset.jpg', import.meta.url)));

async function bytesOf(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

describe('move mode and a re-upload racing the delete', () => {
  let s3: LocalS3;
  let proxy: FaultProxy;
  let metadataReader: MetadataReader;
  let reuploads = 0;
  const key = 'inbox/photo.jpg';

  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ['uploads', 'library'] });
    const direct = s3.client();
    proxy = await startFaultProxy({
      target: s3.endpoint,
      beforeForward: async (request) => {
        // The first DELETE of the source key: a newer photo lands under that key first.
        if (request.method === 'DELETE' && request.path.startsWith(`/uploads/${key}`) && reuploads === 0) {
          reuploads++;
          await direct.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: newerUpload, ContentType: 'image/jpeg' }));
        }
      },
    });
    const exiftool = pinnedExiftool();
    metadataReader = createMetadataReader({
      mode: 'random-access',
      exiftool: { perlPath: exiftool.perl, exiftoolLibDir: exiftool.libDir, exiftoolScriptPath: exiftool.script },
    });
  });
  afterAll(async () => {
    await metadataReader?.close();
    await proxy?.stop();
    await s3?.stop();
  });

  it('keeps the newer upload that arrived between the copy and the delete', async () => {
    // Prepare
    const direct = s3.client();
    await direct.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: photo, ContentType: 'image/jpeg' }));
    const exiftool = pinnedExiftool();
    const configuration = loadConfiguration({
      DESTINATION_BUCKET: 'library',
      MOVE: 'true',
      EXIFTOOL_PERL: exiftool.perl,
      EXIFTOOL_LIB: exiftool.libDir,
      EXIFTOOL_SCRIPT: exiftool.script,
    });
    const logs: { message: string; fields: Record<string, unknown> }[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => {
      const { message, ...fields } = JSON.parse(line) as { message: string };
      logs.push({ message, fields });
    } });

    // Act: the function organizes the first upload, through the proxy.
    const outcome = await organizeObject({ bucket: 'uploads', key }, { client: s3.client({ endpoint: proxy.endpoint }), configuration, metadataReader, logger });

    // Assess: the race happened, the first photo is in the library, and the newer one was not deleted.
    expect(reuploads).toBe(1);
    const survivor = await bytesOf(direct, 'uploads', key).catch((error: Error) => `${error.name}: ${error.message}`);
    expect(survivor, 'the newer upload under the source key').toEqual(newerUpload);
    expect(await bytesOf(direct, 'library', '2019-07-15/photo.jpg')).toEqual(photo);
    expect(outcome).toMatchObject({ status: 'organized', targetKey: '2019-07-15/photo.jpg', moved: false, sourceKept: 'a newer object is there: kept' });
    expect(logs.find((line) => line.message.startsWith('source kept'))?.fields).toMatchObject({ source: `s3://uploads/${key}` });
  });
});
