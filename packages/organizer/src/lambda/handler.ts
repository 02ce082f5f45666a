import type { Context } from 'aws-lambda';
import type { ExiftoolProcess } from '@photo-organizer/exiftool';
import { isPermanentFailure } from '../core/failure-policy.js';
import { objectUrl } from '../core/object-reference.js';
import { loadConfiguration } from '../settings/configuration.js';
import { createDependencies } from '../organize/dependencies.js';
import { type BatchInvocation, MalformedEventError, parseEvent } from './events.js';
import { createLogger } from './logger.js';
import { organizeMany, type Settled } from '../organize/organize-many.js';
import type { OrganizeDependencies } from '../organize/organize-object.js';
import { notifyWebhook } from './webhook.js';

type Container = OrganizeDependencies;

/** Stop work this long before Lambda's deadline, so a retry starts clean instead of a kill mid-copy. */
const DEADLINE_MARGIN_MS = 1500;

let container: Container | undefined;

/** Built once per Lambda container (cold start): configuration, S3 client, the warm exiftool. */
export function createContainer(environment: NodeJS.ProcessEnv, exiftoolProcess?: ExiftoolProcess): Container {
  const configuration = loadConfiguration(environment);
  return createDependencies(configuration, createLogger({ level: configuration.logLevel }), undefined, exiftoolProcess);
}

/**
 * The handler, using a warm exiftool that is already starting (the Lambda entry starts it before
 * the SDK is imported); without one, the first read starts perl.
 *
 * @example
 * export const handler = createHandler({ exiftoolProcess: startedEarly });
 */
export function createHandler(options: { readonly exiftoolProcess?: ExiftoolProcess | undefined } = {}) {
  return (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>): Promise<unknown> => handle(event, context, options.exiftoolProcess);
}

/**
 * The Lambda entry point: S3 `ObjectCreated` notifications (every record) and S3 Batch Operations
 * invocations. Permanent problems are logged and skipped; transient ones make the invocation
 * fail so Lambda retries it and, after the retries, keeps it in the on-failure destination.
 * @throws Error naming every object that failed transiently (Lambda retries the event); ConfigurationError at cold start.
 * @example
 * // Lambda calls it as index.handler; locally (the tests' runtime client does the same):
 * await handler({ Records: [s3Record] }, { awsRequestId: 'c793869b-...', getRemainingTimeInMillis: () => 300_000 });
 * // { organized: 1, skipped: 0 }
 */
export const handler = createHandler();

async function handle(event: unknown, context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'> | undefined, exiftoolProcess: ExiftoolProcess | undefined): Promise<unknown> {
  container ??= createContainer(process.env, exiftoolProcess);
  // Every line of this invocation carries its request id (one JSON line per object).
  const logger = context?.awsRequestId ? container.logger.child({ requestId: context.awsRequestId }) : container.logger;
  const invocation: Container = { ...container, logger };
  const { signal, deadline } = deadlineOf(context);

  let parsed;
  try {
    parsed = parseEvent(event);
  } catch (error) {
    if (!(error instanceof MalformedEventError)) throw error;
    // Retrying cannot fix it; log it whole enough to investigate and finish.
    logger.error('malformed event ignored', { error, event: JSON.stringify(event)?.slice(0, 2000) });
    return { ignored: true, reason: error.message };
  }
  if (parsed.kind === 's3-test-event') {
    logger.info('s3:TestEvent received: the notification is wired up');
    return { ignored: true, reason: 's3:TestEvent' };
  }
  if (parsed.kind === 'batch-operations') return handleBatch(parsed.invocation, invocation, signal, deadline);

  for (const skipped of parsed.skipped) logger.warn('record skipped', { record: skipped.index, reason: skipped.reason });
  const settled = await organizeMany(parsed.objects, invocation, { ...(signal ? { signal } : {}), ...(deadline !== undefined ? { deadline } : {}) });
  await pingWebhook(invocation, settled, signal);
  const failed = settled.filter((item) => item.error);
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} of ${settled.length} objects failed (retrying will redo only these): ` +
        failed.map((item) => `${objectUrl(item.reference)}: ${item.error!.message}`).join('; '),
    );
  }
  return summarize(settled);
}

async function handleBatch(invocation: BatchInvocation, current: Container, signal: AbortSignal | undefined, deadline: number | undefined) {
  const runnable = invocation.tasks.flatMap((task) => (task.object ? [task.object] : []));
  const settled = await organizeMany(runnable, current, { ...(signal ? { signal } : {}), ...(deadline !== undefined ? { deadline } : {}) });
  const byObject = new Map(settled.map((item) => [item.reference, item]));
  await pingWebhook(current, settled, signal);
  return {
    invocationSchemaVersion: invocation.invocationSchemaVersion,
    treatMissingKeysAs: 'PermanentFailure',
    invocationId: invocation.invocationId,
    results: invocation.tasks.map((task) => {
      if (!task.object) return { taskId: task.taskId, resultCode: 'PermanentFailure', resultString: task.problem ?? 'bad task' };
      const item = byObject.get(task.object)!;
      if (item.error) return { taskId: task.taskId, resultCode: 'TemporaryFailure', resultString: item.error.message.slice(0, 1024) };
      const outcome = item.outcome!;
      if (outcome.status === 'organized') {
        return { taskId: task.taskId, resultCode: 'Succeeded', resultString: outcome.sourceKept ? `${outcome.target} (source kept: ${outcome.sourceKept})` : outcome.target };
      }
      // Objects gone or unsupported will not change on retry; own output is simply not ours to do.
      const resultCode = isPermanentFailure(outcome.reason) ? 'PermanentFailure' : 'Succeeded';
      // Issue 21: the plain-words reason (archived, SSE-C, KMS...) goes into the job's report.
      const resultString = `skipped: ${outcome.reason}${outcome.detail ? `: ${outcome.detail}` : ''}`.slice(0, 1024);
      return { taskId: task.taskId, resultCode, resultString };
    }),
  };
}

async function pingWebhook(current: Container, settled: readonly Settled[], signal: AbortSignal | undefined) {
  const url = current.configuration.webhookUrl;
  const organized = settled.flatMap((item) => (item.outcome?.status === 'organized' && item.outcome.copied ? [item.outcome] : []));
  if (!url || organized.length === 0) return;
  await notifyWebhook({
    url,
    logger: current.logger,
    ...(signal ? { signal } : {}),
    body: { event: 'photos.organized', count: organized.length, objects: organized.map(({ source, target, captureDate }) => ({ source, target, captureDate })) },
  });
}

function summarize(settled: readonly Settled[]) {
  const organized = settled.filter((item) => item.outcome?.status === 'organized').length;
  return { organized, skipped: settled.length - organized };
}

/**
 * The invocation's deadline, less a margin: a signal that aborts S3 requests and the webhook then,
 * and the `Date.now()` time by which a big copy stops starting parts (it resumes on the retry).
 */
function deadlineOf(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined): { signal: AbortSignal | undefined; deadline: number | undefined } {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined || !Number.isFinite(remaining)) return { signal: undefined, deadline: undefined };
  const budget = Math.max(1, remaining - DEADLINE_MARGIN_MS);
  return { signal: AbortSignal.timeout(budget), deadline: Date.now() + budget };
}
