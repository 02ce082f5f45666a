import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type LambdaInvokeEndpoint, startLambdaInvokeEndpoint } from '../src/lambda-invoke-endpoint.js';
import { type LambdaRuntime, type LambdaRuntimeOptions, startLambdaRuntime } from '../src/lambda-runtime.js';

const handlers = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'handlers');

/** A process counts as gone once it has exited; a zombie awaiting its reaper has exited. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

const started: Array<{ stop(): Promise<void> }> = [];
async function runtimeFor(handler: string, options: Partial<LambdaRuntimeOptions> = {}): Promise<LambdaRuntime> {
  const runtime = await startLambdaRuntime({ taskRoot: handlers, handler, ...options });
  started.push(runtime);
  return runtime;
}
afterEach(async () => {
  // Endpoints were pushed after their runtimes: stop in reverse order.
  for (const service of started.splice(0).reverse()) await service.stop();
});

describe('startLambdaRuntime (the real aws-lambda-ric against a local Runtime API)', () => {
  it('passes the event, a deadline, the request id and Lambda’s environment to an ESM handler', async () => {
    // Prepare
    const runtime = await runtimeFor('echo.handler', { environment: { PHOTO_SETTING: 'from configuration' }, timeoutMs: 5000 });
    const event = { Records: [{ s3: { object: { key: 'incoming/IMG_0001.JPG' } } }] };

    // Act
    const invocation = await runtime.invoke(event);

    // Assess
    expect(invocation.error).toBeUndefined();
    const result = invocation.result as Record<string, unknown>;
    expect(result.event).toEqual(event);
    expect(result.remainingTimeInMillis).toBeGreaterThan(0);
    expect(result.remainingTimeInMillis).toBeLessThanOrEqual(5000);
    expect(result.awsRequestId).toBe(invocation.requestId);
    expect(result.invokedFunctionArn).toBe(runtime.functionArn);
    expect(result.environment).toEqual({
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      PHOTO_SETTING: 'from configuration',
      cwd: handlers,
    });
    expect(invocation.coldStart).toBe(true);
    expect(invocation.logs.some((line) => line.includes('echo handler got {"Records"'))).toBe(true);
    expect(invocation.logs[0]).toBe(`START RequestId: ${invocation.requestId} Version: $LATEST`);
    expect(runtime.logs.some((entry) => entry.workerId === invocation.workerId && entry.line.includes('echo handler got'))).toBe(true);
  });

  it('keeps module state between warm invocations of one worker', async () => {
    // Prepare
    const runtime = await runtimeFor('echo.handler');

    // Act
    const first = await runtime.invoke({ n: 1 });
    const second = await runtime.invoke({ n: 2 });

    // Assess
    const [a, b] = [first.result, second.result] as Array<{ invocationCount: number; pid: number }>;
    expect(b!.pid).toBe(a!.pid);
    expect([a!.invocationCount, b!.invocationCount]).toEqual([1, 2]);
    expect([first.coldStart, second.coldStart]).toEqual([true, false]);
    expect(runtime.stats).toMatchObject({ invocations: 2, coldStarts: 1 });
  });

  it('reports an async handler’s rejection with its error type and message', async () => {
    // Prepare
    const runtime = await runtimeFor('fail.handler');

    // Act
    const invocation = await runtime.invoke({ key: 'incoming/a.jpg' });

    // Assess
    expect(invocation.result).toBeUndefined();
    expect(invocation.error).toMatchObject({ errorType: 'PhotoCopyError', errorMessage: 'could not copy incoming/a.jpg' });
    expect(invocation.error!.trace!.join('\n')).toContain('fail.mjs');
    expect(invocation.logs.some((line) => line.includes('fail handler about to throw for incoming/a.jpg'))).toBe(true);
  });

  it('kills a worker that runs past its timeout and starts a fresh one for the next invocation', async () => {
    // Prepare
    const runtime = await runtimeFor('sleep.handler', { timeoutMs: 400 });

    // Act
    const timedOut = await runtime.invoke({ ms: 60_000 });
    const next = await runtime.invoke({ ms: 1 });

    // Assess
    expect(timedOut.error).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${timedOut.requestId} Error: Task timed out after 0.40 seconds`,
    });
    expect(next.error).toBeUndefined();
    expect(next.coldStart).toBe(true);
    expect(next.workerId).not.toBe(timedOut.workerId);
    const timedOutPid = runtime.workers.find((worker) => worker.id === timedOut.workerId)!.pid!;
    expect(isAlive(timedOutPid)).toBe(false);
    expect(runtime.stats).toMatchObject({ invocations: 2, coldStarts: 2, timeouts: 1 });
  });

  it('reports a process exit as Runtime.ExitError and recovers with a new worker', async () => {
    // Prepare
    const runtime = await runtimeFor('exit.handler');

    // Act
    const crashed = await runtime.invoke({ exitCode: 3 });
    const next = await runtime.invoke({});

    // Assess
    expect(crashed.error).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 3`,
    });
    expect(next.error).toBeUndefined();
    expect(next.coldStart).toBe(true);
    expect(runtime.stats).toMatchObject({ crashes: 1, coldStarts: 2 });
  });

  it('returns a module that fails to load as the error of the invocation that started it', async () => {
    // Prepare
    const runtime = await runtimeFor('init-error.handler');

    // Act
    const invocation = await runtime.invoke({});

    // Assess
    expect(invocation.error?.errorMessage).toContain('DESTINATION_BUCKET is not set');
    expect(runtime.stats).toMatchObject({ initErrors: 1, invocations: 0 });
  });

  it('runs invocations at the same time up to `concurrency`', async () => {
    // Prepare
    const runtime = await runtimeFor('barrier.handler', { concurrency: 2, timeoutMs: 20_000 });
    const directory = await mkdtemp(path.join(tmpdir(), 'lambda-barrier-'));
    const event = (name: string) => ({ directory, name, parties: 2, waitMs: 15_000 });

    try {
      // Act
      const results = await Promise.all([runtime.invoke(event('a')), runtime.invoke(event('b'))]);

      // Assess: each handler saw the other's marker while it was still running.
      const [a, b] = results.map((invocation) => invocation.result as { sawAll: boolean; pid: number });
      expect([a!.sawAll, b!.sawAll]).toEqual([true, true]);
      expect(a!.pid).not.toBe(b!.pid);
      expect(runtime.stats).toMatchObject({ invocations: 2, coldStarts: 2 });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('queues invocations while every worker is busy', async () => {
    // Prepare
    const runtime = await runtimeFor('sleep.handler', { concurrency: 1 });
    type Span = { startedAt: number; endedAt: number; pid: number };

    // Act
    const results = await Promise.all([runtime.invoke({ ms: 100 }), runtime.invoke({ ms: 100 })]);

    // Assess: by the times the handler saw, not by how long the test took.
    const [first, second] = results.map((invocation) => invocation.result as Span);
    expect(second!.pid).toBe(first!.pid);
    expect(second!.startedAt).toBeGreaterThanOrEqual(first!.endedAt);
  });

  it('measures the RSS of the worker’s children and stop() leaves no process behind', async () => {
    // Prepare
    const runtime = await runtimeFor('spawn-child.handler', { concurrency: 2, memorySizeMb: 256 });
    const invocations = await Promise.all([runtime.invoke({ megabytes: 64 }), runtime.invoke({ megabytes: 1 })]);
    const pids = invocations.flatMap((invocation) => {
      const { workerPid, childPid } = invocation.result as { workerPid: number; childPid: number };
      return [workerPid, childPid];
    });
    expect(pids.every(isAlive)).toBe(true);

    // Act
    await runtime.stop();

    // Assess
    expect(pids.filter(isAlive)).toEqual([]);
    const big = invocations[0]!; // its child holds 64 MiB
    expect(big.maxRssBytes).toBeGreaterThan(64 * 1048576);
    expect(runtime.peakRssBytes()).toBeGreaterThanOrEqual(big.maxRssBytes);
    await expect(runtime.invoke({})).rejects.toThrow(/stopped/);
  });

  it('rejects options it cannot use, naming them', async () => {
    await expect(startLambdaRuntime({ taskRoot: 'relative/dir', handler: 'index.handler' })).rejects.toThrow(/taskRoot/);
    await expect(startLambdaRuntime({ taskRoot: handlers, handler: 'index' })).rejects.toThrow(/handler/);
    await expect(startLambdaRuntime({ taskRoot: handlers, handler: 'echo.handler', concurrency: 0 })).rejects.toThrow(/concurrency/);
  });
});

describe('startLambdaInvokeEndpoint (stand-in for the Lambda Invoke API)', () => {
  async function setUp(): Promise<{ endpoint: LambdaInvokeEndpoint; client: LambdaClient }> {
    const echo = await runtimeFor('echo.handler', { functionName: 'echo' });
    const fail = await runtimeFor('fail.handler', { functionName: 'fail' });
    const endpoint = await startLambdaInvokeEndpoint({ functions: { echo, fail }, asyncRetryDelayMs: 10 });
    started.push(endpoint);
    return { endpoint, client: new LambdaClient(endpoint.clientConfig) };
  }
  const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString('utf8')) as unknown;

  it('answers RequestResponse invocations from the SDK, with the function error header and the log tail', async () => {
    // Prepare
    const { client } = await setUp();

    // Act
    const success = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ hello: 'world' }) }));
    const failure = await client.send(
      new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:fail', Payload: '{"key":"b.jpg"}', LogType: 'Tail' }),
    );

    // Assess
    expect(success.StatusCode).toBe(200);
    expect(success.FunctionError).toBeUndefined();
    expect((decode(success.Payload) as { event: unknown }).event).toEqual({ hello: 'world' });
    expect(failure.StatusCode).toBe(200);
    expect(failure.FunctionError).toBe('Unhandled');
    expect(decode(failure.Payload)).toMatchObject({ errorType: 'PhotoCopyError', errorMessage: 'could not copy b.jpg' });
    expect(Buffer.from(failure.LogResult!, 'base64').toString('utf8')).toContain('fail handler about to throw for b.jpg');
  });

  it('runs Event invocations in the background and sends exhausted retries to the failure list', async () => {
    // Prepare
    const { endpoint, client } = await setUp();

    // Act
    const accepted = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: '{"n":1}' }));
    const failing = await client.send(new InvokeCommand({ FunctionName: 'fail', InvocationType: 'Event', Payload: '{"key":"c.jpg"}' }));
    const dryRun = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    await endpoint.idle();

    // Assess
    expect([accepted.StatusCode, failing.StatusCode, dryRun.StatusCode]).toEqual([202, 202, 204]);
    const echoed = endpoint.attempts.filter((attempt) => (attempt.result as { event?: unknown } | undefined)?.event !== undefined);
    expect(echoed.map((attempt) => (attempt.result as { event: unknown }).event)).toEqual([{ n: 1 }]);
    expect(endpoint.failures).toHaveLength(1);
    const record = endpoint.failures[0]!;
    expect(record.requestContext).toMatchObject({
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fail:$LATEST',
    });
    expect(record.requestPayload).toEqual({ key: 'c.jpg' });
    expect(record.responsePayload).toMatchObject({ errorType: 'PhotoCopyError', errorMessage: 'could not copy c.jpg' });
    const tries = endpoint.attempts.filter((attempt) => attempt.requestId === record.requestContext.requestId);
    expect(tries).toHaveLength(3);
  });

  it('answers an unknown function with ResourceNotFoundException', async () => {
    // Prepare
    const { client } = await setUp();

    // Act
    const sending = client.send(new InvokeCommand({ FunctionName: 'missing', Payload: '{}' }));

    // Assess
    await expect(sending).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });
});
