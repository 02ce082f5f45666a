// One strategy in its own Node process (forked by main.ts), like one Lambda container: it organizes
// the objects one event at a time and tells the parent when each starts and ends, so the parent can
// attribute the proxy's request log and the wire bytes to each object.
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfiguration, type MetadataReader, organizeObject, silentLogger, type Configuration } from '@photo-organizer/organizer';
import { loadStrategy, type StrategyName } from './strategies/index.ts';
import type { FromParent, ObjectJob, ToParent } from './protocol.ts';

const send = (message: ToParent): Promise<void> =>
  new Promise((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));

let waiting: (() => void) | undefined;
process.on('message', (message: FromParent) => {
  if (message.type === 'ack') waiting?.();
});
/** Waits until the parent has taken its snapshot, so each object's requests fall in its window. */
const handshake = async (message: ToParent): Promise<void> => {
  const acknowledged = new Promise<void>((resolve) => (waiting = resolve));
  await send(message);
  await acknowledged;
};

const job = JSON.parse(process.argv[2]!) as { strategy: StrategyName; endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; exiftool: { perl: string; libDir: string; script: string }; objects: ObjectJob[] };

const client = new S3Client({
  endpoint: job.endpoint,
  region: job.region,
  credentials: job.credentials,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const factory = await loadStrategy(job.strategy);
const strategyReader = factory({ exiftool: job.exiftool, endpoint: job.endpoint });
// As the Lambda entry does: start what can start before the first object (the warm perl).
void strategyReader.start?.();
// Times the read step alone, inside the end-to-end time.
let readMs = 0;
const metadataReader: MetadataReader = {
  async read(object, signal) {
    const started = performance.now();
    try {
      return await strategyReader.read(object, signal);
    } finally {
      readMs += performance.now() - started;
    }
  },
  close: () => strategyReader.close(),
  ...(strategyReader.usesRangeReader ? { usesRangeReader: true } : {}),
};
const configurations = new Map<string, Configuration>();
const configurationFor = (dir: string): Configuration => {
  // One destination prefix per strategy and source dir: no strategy finds another's copy, and two
  // collections holding one name on one day are not numbered (as in the organizer's corpus test).
  let configuration = configurations.get(dir);
  if (!configuration) {
    configuration = loadConfiguration({
      DESTINATION_BUCKET: 'dest',
      DESTINATION_PREFIX: `${job.strategy}/${dir}/`,
      SOURCE_PREFIX: 'incoming/',
      EXIFTOOL_PERL: job.exiftool.perl,
      EXIFTOOL_LIB: job.exiftool.libDir,
      EXIFTOOL_SCRIPT: job.exiftool.script,
    });
    configurations.set(dir, configuration);
  }
  return configuration;
};

for (const [index, object] of job.objects.entries()) {
  await handshake({ type: 'start', index });
  readMs = 0;
  const started = performance.now();
  try {
    const outcome = await organizeObject(
      // As an S3 event gives it: size and ETag (strategies that go through the range reader need no HEAD).
      { bucket: 'source', key: object.key, size: object.size, eTag: object.eTag },
      { client, configuration: configurationFor(object.dir), metadataReader, logger: silentLogger },
    );
    const ms = performance.now() - started;
    await handshake({
      type: 'done',
      index,
      ms,
      readMs,
      sinceProcessStartMs: performance.now(),
      targetKey: outcome.status === 'organized' ? outcome.targetKey.slice(`${job.strategy}/${object.dir}/`.length) : '-',
      dateSource: outcome.status === 'organized' ? outcome.dateSource : `Skipped (${outcome.reason})`,
      bytesFetched: outcome.status === 'organized' ? outcome.bytesFetched : 0,
      metadataError: outcome.status === 'organized' ? outcome.metadataError : outcome.detail,
    });
  } catch (error) {
    await handshake({ type: 'done', index, ms: performance.now() - started, readMs, sinceProcessStartMs: performance.now(), targetKey: 'ERROR', dateSource: '', bytesFetched: 0, metadataError: String(error) });
  }
}
await metadataReader.close();
await send({ type: 'finished', nodeMaxRssBytes: process.resourceUsage().maxRSS * 1024 });
client.destroy();
process.disconnect();
