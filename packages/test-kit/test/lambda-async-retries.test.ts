import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { asyncRetryDelayMs, invokeAsynchronously, normalizeAsyncRetryOptions } from '../src/lambda-async-retries.js';
import { type LambdaRuntime, startLambdaRuntime } from '../src/lambda-runtime.js';

const handlers = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'handlers');
const started: LambdaRuntime[] = [];
afterEach(async () => {
  for (const runtime of started.splice(0)) await runtime.stop();
});
async function runtimeFor(handler: string): Promise<LambdaRuntime> {
  const runtime = await startLambdaRuntime({ taskRoot: handlers, handler, timeoutMs: 10_000 });
  started.push(runtime);
  return runtime;
}

describe("Lambda's asynchronous retries", () => {
  it('waits one, then two units between attempts, as Lambda waits one and two minutes', () => {
    expect(asyncRetryDelayMs(1)).toBe(60_000);
    expect(asyncRetryDelayMs(2)).toBe(120_000);
    expect(asyncRetryDelayMs(2, 100)).toBe(200);
    expect(() => asyncRetryDelayMs(0)).toThrow(TypeError);
  });

  it("accepts Lambda's MaximumRetryAttempts range only, naming the caller's option", () => {
    expect(normalizeAsyncRetryOptions('asyncRetries', undefined, 'retryDelayMs', undefined, 100)).toEqual({ retries: 2, firstDelayMs: 100 });
    expect(() => normalizeAsyncRetryOptions('asyncRetries', 3, 'retryDelayMs', 1)).toThrow(/asyncRetries must be an integer from 0 to 2/);
    expect(() => normalizeAsyncRetryOptions('asyncRetries', 1, 'retryDelayMs', -1)).toThrow(/retryDelayMs/);
  });

  it('retries a failing function twice with the same request id, the second wait twice the first', async () => {
    // Prepare
    const runtime = await runtimeFor('fail.handler');
    const seen: { requestId: string; at: number }[] = [];

    // Act
    const outcome = await invokeAsynchronously(runtime, '{"key":"a.jpg"}', {
      firstRetryDelayMs: 150,
      onAttempt: (attempt) => seen.push({ requestId: attempt.requestId, at: performance.now() }),
    });

    // Assess
    expect(outcome).toMatchObject({ attempts: 3, retriesExhausted: true });
    expect(outcome.last?.error?.errorType).toBe('PhotoCopyError');
    expect(new Set(seen.map((attempt) => attempt.requestId)).size).toBe(1);
    // Each gap is the wait plus the next attempt's run time, so only lower bounds hold.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(150);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(300);
  });

  it('stops after the first success', async () => {
    const runtime = await runtimeFor('echo.handler');
    const outcome = await invokeAsynchronously(runtime, '{}', { firstRetryDelayMs: 10 });
    expect(outcome).toMatchObject({ attempts: 1, retriesExhausted: false });
    expect(outcome.last?.error).toBeUndefined();
  });
});
