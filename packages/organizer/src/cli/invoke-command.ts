import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectReference } from '../core/object-reference.js';
import { encodeEventKey } from '../lambda/events.js';
import { listObjects } from '../s3/list-objects.js';
import { AwsSetupError, awsSetupProblem, rethrowAwsSetupProblem } from './aws-problems.js';
import { createProgress } from './progress.js';

export interface InvokeCommandOptions {
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
  /**
   * What to send: every object under a prefix (folder markers left out), or the objects of a keys
   * file (`--keys-from`, already read with `readKeysFile`), sent in the file's order.
   */
  readonly source: { readonly bucket: string; readonly prefix: string } | { readonly objects: readonly ObjectReference[] };
  readonly functionName: string;
  /** Records per invocation. Lambda's async payload limit is 256 KB (1 MB since 2025): 50 keys fit easily. @default 10 */
  readonly batchSize: number;
  /** Invocations per second at most. @default 10 */
  readonly ratePerSecond: number;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly write?: (line: string) => void;
  /** The S3 endpoint in use when not AWS's, for messages. */
  readonly endpoint?: string;
}

export interface InvokeSummary {
  readonly objects: number;
  /** Invocations Lambda accepted (0 in a dry run). */
  readonly invocations: number;
  /** Dry run only: invocations that would be sent. */
  readonly planned: number;
  readonly failed: number;
  /** Wall-clock time of the run, seconds. */
  readonly seconds: number;
}

/**
 * Fans existing objects out to the deployed function as asynchronous invocations carrying
 * ObjectCreated-shaped records, so they are organized exactly as new uploads are (and failures
 * land in the function's on-failure destination). The objects come from a listing or from a keys
 * file (`backfill status`'s failed objects); both are sent the same way. A set-up problem (credentials, access denied,
 * no such function) on the listing or the first invocation stops the run with one clear error.
 *
 * @throws {AwsSetupError} for such a set-up problem.
 */
export async function invokeCommand(options: InvokeCommandOptions): Promise<InvokeSummary> {
  const started = performance.now();
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const objects = 'objects' in options.source ? options.source.objects : await listSource(options.s3, options.source, options.endpoint);
  const batches: ObjectReference[][] = [];
  for (let index = 0; index < objects.length; index += options.batchSize) batches.push(objects.slice(index, index + options.batchSize));

  const progress = createProgress(batches.length, { quiet: options.json, unit: 'invocations' });
  const interval = 1000 / options.ratePerSecond;
  let failed = 0;
  let nextSlot = Date.now();
  for (const [index, batch] of batches.entries()) {
    const payload = JSON.stringify({ Records: batch.map(toRecord) });
    if (options.dryRun) {
      if (options.json) write(JSON.stringify({ invocation: index + 1, keys: batch.map((object) => object.key), dryRun: true }));
      progress.tick(`would invoke ${options.functionName} with ${batch.length} records`);
      continue;
    }
    // Simple pacing: one invocation per interval, so a large backfill does not hit the account's concurrency at once.
    const wait = nextSlot - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    nextSlot = Math.max(Date.now(), nextSlot) + interval;
    try {
      const response = await options.lambda.send(
        new InvokeCommand({ FunctionName: options.functionName, InvocationType: 'Event', Payload: Buffer.from(payload) }),
      );
      if (response.StatusCode !== 202) throw new Error(`Lambda answered ${response.StatusCode}`);
      if (options.json) write(JSON.stringify({ invocation: index + 1, keys: batch.map((object) => object.key), status: 202 }));
      progress.tick(`invoked with ${batch.length} records`);
    } catch (error) {
      const problem = awsSetupProblem(error, {
        doing: `invoking ${options.functionName}`,
        needs: `lambda:InvokeFunction on ${options.functionName}`,
      });
      // The first invocation tells whether the set-up works; later ones failing are counted.
      if (problem && index === 0) {
        progress.done();
        throw new AwsSetupError(problem, { cause: error });
      }
      failed++;
      if (options.json) write(JSON.stringify({ invocation: index + 1, keys: batch.map((object) => object.key), error: (error as Error).message }));
      progress.tick(`FAILED invocation ${index + 1}: ${(error as Error).message}`, { important: true });
    }
  }
  progress.done();
  return {
    objects: objects.length,
    invocations: options.dryRun ? 0 : batches.length - failed,
    planned: options.dryRun ? batches.length : 0,
    failed,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/** Every object under the prefix, folder markers (keys ending in `/`) left out. */
async function listSource(s3: S3Client, source: { readonly bucket: string; readonly prefix: string }, endpoint: string | undefined): Promise<ObjectReference[]> {
  const objects: ObjectReference[] = [];
  const { bucket, prefix } = source;
  try {
    for await (const reference of listObjects(s3, bucket, prefix)) {
      if (!reference.key.endsWith('/')) objects.push(reference);
    }
  } catch (error) {
    rethrowAwsSetupProblem(error, { doing: `listing s3://${bucket}/${prefix}`, needs: `s3:ListBucket on ${bucket}`, endpoint });
  }
  return objects;
}

/**
 * The summary line; a dry run says that nothing was sent.
 *
 * @example
 * formatInvokeSummary({ objects: 3, invocations: 2, planned: 0, failed: 0, seconds: 1.2 }, 'photo-organizer', false);
 * // '3 objects in 2 invocations of photo-organizer (1.2 s), 0 failed'
 */
export function formatInvokeSummary(summary: InvokeSummary, functionName: string, dryRun: boolean): string {
  if (dryRun) {
    return `dry run, nothing was sent: ${summary.objects} objects would go to ${functionName} in ${summary.planned} invocation${summary.planned === 1 ? '' : 's'}`;
  }
  return `${summary.objects} objects in ${summary.invocations} invocations of ${functionName} (${summary.seconds} s), ${summary.failed} failed`;
}

function toRecord(object: ObjectReference) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    eventName: 'ObjectCreated:Put',
    eventTime: new Date().toISOString(),
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'photo-organizer-invoke',
      bucket: { name: object.bucket, arn: `arn:aws:s3:::${object.bucket}` },
      object: {
        key: encodeEventKey(object.key),
        ...(object.size !== undefined ? { size: object.size } : {}),
        ...(object.eTag ? { eTag: object.eTag.replace(/"/g, '') } : {}),
      },
    },
  };
}
