/**
 * Base class of the errors this helper throws. Function errors (a handler that throws, a timeout,
 * a crash) are not exceptions: `invoke()` resolves with them in `error`, as Lambda answers.
 *
 * @example
 * ```ts
 * try { await runtime.invoke(event); } catch (error) { if (error instanceof LambdaRuntimeError) console.error(error.message); }
 * ```
 */
export class LambdaRuntimeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LambdaRuntimeError';
  }
}

/**
 * `invoke()` after `stop()`, or an invocation still queued or running when `stop()` ran.
 *
 * @example
 * ```ts
 * await runtime.invoke(event).catch((error) => { if (!(error instanceof LambdaRuntimeStoppedError)) throw error; });
 * ```
 */
export class LambdaRuntimeStoppedError extends LambdaRuntimeError {
  readonly requestId: string;
  constructor(requestId: string) {
    super(`the Lambda runtime was stopped before invocation ${requestId} ran`);
    this.name = 'LambdaRuntimeStoppedError';
    this.requestId = requestId;
  }
}
