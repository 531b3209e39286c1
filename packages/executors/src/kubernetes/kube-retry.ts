// Calls to the API server: each under a time limit, retried with exponential backoff while
// the failure is transient (5xx, 429, no answer), and stopped at once by an abort.
import { CancelledError } from '../errors.js';
import { KubeApiError, toKubeApiError } from './kube-api-error.js';

export interface RetryOptions {
  /** Tries in all. Default 6 (about 6 s of backoff). */
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Per try. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onRetry?: (err: KubeApiError, attempt: number, delayMs: number) => void;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(new CancelledError());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new KubeApiError('unreachable', 0, `${what}: no answer within ${ms / 1000} s`)),
      ms,
    );
    const onAbort = () => reject(new CancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => {
      clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

/** Runs `fn` until it succeeds, fails for good, runs out of attempts, or is aborted. */
export async function kubeCall<T>(what: string, fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 6;
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 3000;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new CancelledError();
    try {
      return await withTimeout(fn(), opts.timeoutMs ?? 30_000, what, opts.signal);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      const e = toKubeApiError(err, what);
      if (!e.transient || attempt >= attempts) throw e;
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      opts.onRetry?.(e, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}
