/**
 * Lambda's retries of an asynchronous invocation, emulated once for the Invoke API stand-in and
 * the local pipeline. What Lambda does, from "How Lambda handles errors and retries with
 * asynchronous invocation" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):
 * a function error (the handler's or the runtime's, a timeout included) is retried two more times
 * by default, "with a one-minute wait between the first two attempts, and two minutes between the
 * second and third attempts"; `MaximumRetryAttempts` takes 0 to 2
 * (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html). The
 * request id stays the same across the attempts. Here the waits keep Lambda's 1 : 2 shape, scaled
 * by `firstRetryDelayMs` so tests do not wait minutes. Not modelled: throttling and system-error
 * retries (up to 6 hours), the maximum event age, duplicate deliveries by the queue.
 */
import type { LambdaInvocationResult, LambdaRuntime } from './lambda-runtime.js';

/**
 * Lambda's default and largest `MaximumRetryAttempts` (2).
 *
 * @example
 * ```ts
 * startLocalPipeline({ ..., asyncRetries: LAMBDA_ASYNC_MAX_RETRIES });
 * ```
 */
export const LAMBDA_ASYNC_MAX_RETRIES = 2;
/**
 * Lambda's wait before the first retry in milliseconds: one minute (the second waits two).
 *
 * @example
 * ```ts
 * asyncRetryDelayMs(1) === LAMBDA_ASYNC_FIRST_RETRY_DELAY_MS; // true
 * ```
 */
export const LAMBDA_ASYNC_FIRST_RETRY_DELAY_MS = 60_000;

/**
 * How an asynchronous invocation is retried (delays in milliseconds).
 *
 * @example
 * ```ts
 * const options: AsyncRetryOptions = { maximumRetryAttempts: 1, firstRetryDelayMs: 50 };
 * ```
 */
export interface AsyncRetryOptions {
  /** Retries after the first attempt, 0..2 (Lambda's `MaximumRetryAttempts`). @default 2 */
  readonly maximumRetryAttempts?: number;
  /** Milliseconds before the first retry; the n-th retry waits n times this. @default 60000 (Lambda's) */
  readonly firstRetryDelayMs?: number;
  /** The request id every attempt keeps. @default a new UUID chosen by the runtime */
  readonly requestId?: string;
  /** Called after every attempt (retries included), e.g. to record it. */
  readonly onAttempt?: (outcome: LambdaInvocationResult, attempt: number) => void;
  /** Checked before each attempt: true gives up quietly (the service is stopping). */
  readonly cancelled?: () => boolean;
}

/**
 * The end of an asynchronous invocation.
 *
 * @example
 * ```ts
 * const { attempts, retriesExhausted } = await invokeAsynchronously(runtime, payload);
 * ```
 */
export interface AsyncInvocationOutcome {
  /** The last attempt's outcome; undefined when cancelled or the runtime was stopped first. */
  readonly last: LambdaInvocationResult | undefined;
  /** Attempts made (1..3). */
  readonly attempts: number;
  /** True when every attempt failed: the event goes to the on-failure destination. */
  readonly retriesExhausted: boolean;
}

/**
 * Milliseconds Lambda waits before retry number `retry` (1-based): 1 x, then 2 x the first delay.
 *
 * @throws {TypeError} when `retry` is not a positive integer
 * @example
 * ```ts
 * asyncRetryDelayMs(2); // 120000, Lambda's two minutes
 * asyncRetryDelayMs(1, 100); // 100
 * ```
 */
export function asyncRetryDelayMs(retry: number, firstRetryDelayMs = LAMBDA_ASYNC_FIRST_RETRY_DELAY_MS): number {
  if (!Number.isInteger(retry) || retry < 1) throw new TypeError(`retry must be a positive integer, got ${String(retry)}`);
  return firstRetryDelayMs * retry;
}

/**
 * Checks `maximumRetryAttempts` and `firstRetryDelayMs` (the names are the caller's own option names).
 *
 * @throws {TypeError} naming the option when a value is out of range
 * @example
 * ```ts
 * const { retries, firstDelayMs } = normalizeAsyncRetryOptions('asyncRetries', options.asyncRetries, 'retryDelayMs', options.retryDelayMs, 100);
 * ```
 */
export function normalizeAsyncRetryOptions(
  retriesName: string,
  retries: number | undefined,
  delayName: string,
  firstDelayMs: number | undefined,
  defaultFirstDelayMs = LAMBDA_ASYNC_FIRST_RETRY_DELAY_MS,
): { readonly retries: number; readonly firstDelayMs: number } {
  const checkedRetries = retries ?? LAMBDA_ASYNC_MAX_RETRIES;
  if (!Number.isInteger(checkedRetries) || checkedRetries < 0 || checkedRetries > LAMBDA_ASYNC_MAX_RETRIES) {
    throw new TypeError(`${retriesName} must be an integer from 0 to ${LAMBDA_ASYNC_MAX_RETRIES} (Lambda's MaximumRetryAttempts), got ${String(retries)}`);
  }
  const checkedDelay = firstDelayMs ?? defaultFirstDelayMs;
  if (!Number.isInteger(checkedDelay) || checkedDelay < 0) {
    throw new TypeError(`${delayName} must be a non-negative integer (milliseconds), got ${String(firstDelayMs)}`);
  }
  return { retries: checkedRetries, firstDelayMs: checkedDelay };
}

/**
 * Runs `payload` as Lambda runs an asynchronous invocation: attempt, and on a function error wait
 * and retry up to `maximumRetryAttempts` times with the same request id. Never rejects: a runtime
 * stopped meanwhile ends it with `last: undefined`.
 *
 * @throws {TypeError} (as a rejection) for options out of Lambda's ranges
 * @example
 * ```ts
 * const { last, attempts, retriesExhausted } = await invokeAsynchronously(runtime, JSON.stringify(event), { firstRetryDelayMs: 100 });
 * if (retriesExhausted) failures.push({ event, attempts, error: last!.error! });
 * ```
 */
export async function invokeAsynchronously(runtime: LambdaRuntime, payload: string, options: AsyncRetryOptions = {}): Promise<AsyncInvocationOutcome> {
  const { retries, firstDelayMs } = normalizeAsyncRetryOptions('maximumRetryAttempts', options.maximumRetryAttempts, 'firstRetryDelayMs', options.firstRetryDelayMs);
  let requestId = options.requestId;
  let last: LambdaInvocationResult | undefined;
  for (let attempt = 1; ; attempt += 1) {
    if (options.cancelled?.()) return { last, attempts: attempt - 1, retriesExhausted: false };
    const outcome = await runtime.invokePayload(payload, requestId === undefined ? {} : { requestId }).catch(() => undefined);
    if (!outcome) return { last, attempts: attempt - 1, retriesExhausted: false }; // the runtime was stopped
    last = outcome;
    requestId = outcome.requestId;
    options.onAttempt?.(outcome, attempt);
    if (!outcome.error) return { last, attempts: attempt, retriesExhausted: false };
    if (attempt > retries) return { last, attempts: attempt, retriesExhausted: true };
    await new Promise((resolve) => setTimeout(resolve, asyncRetryDelayMs(attempt, firstDelayMs)));
  }
}
