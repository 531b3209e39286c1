import { describe, expect, it } from 'vitest';
import { retry, RetryStoppedError } from './retry.js';

/** A function that fails `failures` times, then returns 'ok'. */
function flaky(failures: number): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: () => (++calls <= failures ? Promise.reject(new Error(`failure ${calls}`)) : Promise.resolve('ok')),
    calls: () => calls,
  };
}

describe('retry', () => {
  it('returns the first success, backing off exponentially up to maxMs', async () => {
    const f = flaky(4);
    const delays: number[] = [];
    const attempts: number[] = [];
    const started = performance.now();
    const result = await retry(f.fn, {
      baseMs: 10,
      maxMs: 40,
      onRetry: (_err, attempt, delayMs) => {
        attempts.push(attempt);
        delays.push(delayMs);
      },
    });
    expect(result).toBe('ok');
    expect(f.calls()).toBe(5);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(delays).toEqual([10, 20, 40, 40]);
    // It really waits (timers may fire a millisecond early).
    expect(performance.now() - started).toBeGreaterThanOrEqual(105);
  });

  it('calls fn once and never waits when the first attempt succeeds', async () => {
    const f = flaky(0);
    let retried = false;
    expect(await retry(f.fn, { onRetry: () => (retried = true) })).toBe('ok');
    expect(f.calls()).toBe(1);
    expect(retried).toBe(false);
  });

  it('gives up after `attempts` with the last error itself', async () => {
    const f = flaky(10);
    await expect(retry(f.fn, { attempts: 3, baseMs: 1 })).rejects.toThrow('failure 3');
    expect(f.calls()).toBe(3);
  });

  it('throws at once an error shouldRetry refuses', async () => {
    const f = flaky(10);
    let retries = 0;
    const seen: unknown[] = [];
    await expect(
      retry(f.fn, {
        baseMs: 1,
        shouldRetry: (err) => (seen.push(err), (err as Error).message !== 'failure 2'),
        onRetry: () => retries++,
      }),
    ).rejects.toThrow('failure 2');
    expect(f.calls()).toBe(2);
    expect(retries).toBe(1);
    expect(seen.map((e) => (e as Error).message)).toEqual(['failure 1', 'failure 2']);
  });

  it('stops with RetryStoppedError once `until` says so, checking before every attempt', async () => {
    const f = flaky(10);
    let stop = false;
    const stopped = retry(f.fn, { baseMs: 1, until: () => stop, onRetry: (_e, attempt) => (stop = attempt === 2) });
    await expect(stopped).rejects.toBeInstanceOf(RetryStoppedError);
    expect(f.calls()).toBe(2);

    const never = flaky(0);
    await expect(retry(never.fn, { until: () => true })).rejects.toBeInstanceOf(RetryStoppedError);
    expect(never.calls()).toBe(0);
  });

  it('an abort ends the delay at once with the signal’s reason, and fn is not called again', async () => {
    const f = flaky(10);
    const ac = new AbortController();
    const reason = new Error('shutting down');
    const started = performance.now();
    const run = retry(f.fn, {
      baseMs: 10_000,
      signal: ac.signal,
      onRetry: () => setTimeout(() => ac.abort(reason), 20),
    });
    await expect(run).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(f.calls()).toBe(1);
  });

  it('an abort during an attempt stops with the signal’s reason, and an aborted signal runs nothing', async () => {
    const ac = new AbortController();
    const reason = new Error('stopped');
    let calls = 0;
    const run = retry(
      () => {
        calls++;
        ac.abort(reason);
        return Promise.reject(new Error('connection closed'));
      },
      { signal: ac.signal },
    );
    await expect(run).rejects.toBe(reason);
    expect(calls).toBe(1);
    await expect(retry(() => Promise.resolve(1), { signal: ac.signal })).rejects.toBe(reason);
  });
});
