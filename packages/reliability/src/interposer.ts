/**
 * What the soak does between the function and S3, through the fault proxy's `chooseFault` and
 * `beforeForward` hooks:
 * faults on every request kind, whole requests failed on every SDK attempt (so the invocation
 * fails and Lambda's async retry runs it again), and the user's own writes (re-uploads, deletes)
 * timed against the function's requests for that key.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type FaultKind, seededRandom } from '@photo-organizer/test-kit';
import { keyInBucket, REQUEST_KINDS, type RequestKind, requestKind } from './request-kinds.ts';

export const FAULT_KINDS: readonly FaultKind[] = ['slowdown', 'internal', 'reset-mid-body', 'slow-first-byte'];

/** A user action fired by the function's first request of one kind for a key. */
export interface Trigger {
  /** The request kind that fires it (on the source bucket, for this key), when it reaches S3 (not when a fault answers it). */
  readonly on: RequestKind;
  /** Hold the function's request until the action is done (interposes exactly), or fire and forget after `delayMs`. */
  readonly hold: boolean;
  readonly delayMs: number;
  readonly action: () => Promise<void>;
}

export interface InterposerOptions {
  readonly sourceBucket: string;
  readonly seed: number;
  /** Fault probability for HEAD, GET, COPY, UploadPartCopy. */
  readonly faultProbability: number;
  /** Fault probability for the rarer kinds (multipart create/complete/abort, DeleteObject, PutObject, List), so each sees some. */
  readonly rareFaultProbability: number;
  /** Probability that an SDK request (one with `amz-sdk-request`) fails on every attempt the SDK makes. */
  readonly hardFailureRate: number;
}

const RARE: ReadonlySet<RequestKind> = new Set(['CreateMultipartUpload', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'DeleteObject', 'PutObject', 'List']);

export function makeInterposer(options: InterposerOptions) {
  const random = seededRandom(options.seed ^ 0x1f2e3d);
  const zero = () => Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, 0])) as Record<RequestKind, number>;
  const stats = { requests: zero(), faults: zero(), hardFailedRequests: zero(), hardFaults: 0, triggersFired: 0, unconditionalCopies: 0 };
  const triggers = new Map<string, Trigger>();
  /** SDK invocation ids being failed on every attempt. */
  const failing = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let armed = true;

  const track = (work: Promise<void>) => {
    const tracked = work.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    return tracked;
  };

  /** The fault proxy's `chooseFault`: counts the request and picks its fault, if any. */
  function chooseFault(request: { method: string; path: string; headers: IncomingHttpHeaders }): FaultKind | 'pass' {
    const kind = requestKind(request.method, request.path, request.headers);
    stats.requests[kind]++;
    if ((kind === 'COPY' || kind === 'UploadPartCopy') && request.headers['x-amz-copy-source-if-match'] === undefined) stats.unconditionalCopies++;
    // `amz-sdk-request: attempt=N; max=M` and `amz-sdk-invocation-id` come from the SDK's retry
    // middleware: failing attempts 1..M of one invocation id makes the SDK give up on that request.
    const attempt = /attempt=(\d+);\s*max=(\d+)/.exec(String(request.headers['amz-sdk-request'] ?? ''));
    const id = String(request.headers['amz-sdk-invocation-id'] ?? '');
    if (attempt && id) {
      const [number, max] = [Number(attempt[1]), Number(attempt[2])];
      if (number === 1 && random() < options.hardFailureRate) {
        failing.add(id);
        stats.hardFailedRequests[kind]++;
      }
      if (failing.has(id)) {
        if (number >= max) failing.delete(id);
        stats.hardFaults++;
        stats.faults[kind]++;
        return random() < 0.5 ? 'internal' : 'slowdown';
      }
    }
    if (random() < (RARE.has(kind) ? options.rareFaultProbability : options.faultProbability)) {
      stats.faults[kind]++;
      return FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!;
    }
    return 'pass';
  }

  /** The fault proxy's `beforeForward`: fires the user's action armed for this request's key, holding the request if asked. */
  async function beforeForward(request: { method: string; path: string; headers: IncomingHttpHeaders }): Promise<void> {
    const key = keyInBucket(request.path, options.sourceBucket);
    const trigger = key === undefined ? undefined : triggers.get(key);
    if (!armed || !trigger || trigger.on !== requestKind(request.method, request.path, request.headers)) return;
    triggers.delete(key!);
    stats.triggersFired++;
    const run = track(new Promise<void>((resolve) => setTimeout(resolve, trigger.delayMs)).then(trigger.action));
    if (trigger.hold) await run;
  }

  return {
    chooseFault,
    beforeForward,
    stats,
    /** Arms `trigger` for `key` (replacing any earlier one). */
    arm(key: string, trigger: Trigger) {
      triggers.set(key, trigger);
    },
    /** Runs `action` now (not tied to a request), tracked like a fired trigger. */
    later(delayMs: number, action: () => Promise<void>) {
      return track(new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(action));
    },
    /** Resolves when every action started so far has finished. */
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    /** Triggers still armed (their request never came). */
    pendingTriggers: () => triggers.size,
    /** Stops firing triggers (the verdict is being read). */
    disarm() {
      armed = false;
    },
  };
}
