// The one retry loop: runs `fn` again after a failure, with exponential backoff, so work
// survives a short outage (a Postgres or Redis restart, a dropped connection) instead of
// being lost. Callers say when to give up; the loop itself never swallows an error.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Give up after this many attempts (the last error is thrown). Default: never. */
  attempts?: number;
  /** Checked before every attempt: once true, stop with a RetryStoppedError. */
  until?: () => boolean;
  /** Delay after the first failure, doubled after each further one. Default 100 ms. */
  baseMs?: number;
  /** Longest delay between attempts. Default 5 s. */
  maxMs?: number;
  /** An error this refuses is thrown at once, without further attempts. Default: retry all. */
  shouldRetry?: (err: unknown) => boolean;
  /** Aborting stops at once, even mid-delay, with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each failure that will be retried, before the delay. `attempt` starts at 1. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Thrown when `until` says stop before any attempt succeeded. */
export class RetryStoppedError extends Error {
  constructor() {
    super('stopped retrying before an attempt succeeded');
    this.name = 'RetryStoppedError';
  }
}

export async function retry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? Number.POSITIVE_INFINITY;
  const baseMs = opts.baseMs ?? 100;
  const maxMs = opts.maxMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    if (opts.until?.()) throw new RetryStoppedError();
    try {
      return await fn();
    } catch (err) {
      opts.signal?.throwIfAborted();
      if (attempt >= attempts || opts.shouldRetry?.(err) === false) throw err;
      // The exponent is capped so a loop that retries for days never overflows.
      const delayMs = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
      opts.onRetry?.(err, attempt, delayMs);
      await sleep(delayMs, undefined, opts.signal ? { signal: opts.signal } : undefined).catch((e: unknown) => {
        throw opts.signal?.aborted ? opts.signal.reason : e;
      });
    }
  }
}
