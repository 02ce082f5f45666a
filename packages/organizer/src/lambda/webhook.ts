import pRetry, { AbortError } from 'p-retry';
import type { Logger } from './logger.js';

export interface WebhookOptions {
  readonly url: string;
  readonly body: unknown;
  readonly logger: Logger;
  /** Attempts after the first. @default 3 */
  readonly retries?: number;
  /** Per attempt. @default 5000 */
  readonly timeoutMs?: number;
  /** First backoff delay. @default 500 */
  readonly minTimeoutMs?: number;
  /** The invocation's deadline: no attempt, backoff or request outlives it. */
  readonly signal?: AbortSignal;
}

/**
 * POSTs a JSON body (e.g. to a static-site build hook), retrying 5xx, 429 and network errors with
 * backoff, never past `signal` (the invocation's deadline). Never throws: the photos are organized
 * already, a failed ping must not undo that. Returns whether it was delivered.
 */
export async function notifyWebhook(options: WebhookOptions): Promise<boolean> {
  const { url, logger } = options;
  const target = redact(url);
  if (options.signal?.aborted) {
    logger.warn('webhook skipped: the invocation is out of time; photos stay organized', { url: target });
    return false;
  }
  try {
    await pRetry(
      async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'photo-organizer' },
          body: JSON.stringify(options.body),
          signal: options.signal
            ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 5000), options.signal])
            : AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
        await response.body?.cancel();
        if (response.ok) return;
        const error = new Error(`webhook answered ${response.status}`);
        // 4xx other than 408/429 will not change on retry.
        if (response.status < 500 && response.status !== 408 && response.status !== 429) throw new AbortError(error);
        throw error;
      },
      {
        retries: options.retries ?? 3,
        ...(options.signal ? { signal: options.signal } : {}),
        minTimeout: options.minTimeoutMs ?? 500,
        randomize: true,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) =>
          logger.warn('webhook attempt failed', { url: target, attempt: attemptNumber, retriesLeft, error: error.message }),
      },
    );
    logger.info('webhook delivered', { url: target });
    return true;
  } catch (error) {
    logger.error('webhook failed; photos stay organized', { url: target, error: (error as Error).message });
    return false;
  }
}

/** Build-hook URLs are secrets (the token is in the path): log the origin only. */
function redact(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(invalid url)';
  }
}
