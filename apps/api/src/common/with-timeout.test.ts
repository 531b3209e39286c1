import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withTimeout } from './with-timeout.js';

describe('withTimeout', () => {
  it('passes on a value or an error that comes in time', async () => {
    const value = sleep(5).then(() => 42);
    expect(await withTimeout(value, 1_000, 'late')).toBe(42);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000, 'late')).rejects.toThrow('refused');
  });

  it('rejects with the message once the deadline passes, without waiting for the work', async () => {
    const started = performance.now();
    await expect(withTimeout(sleep(5_000), 30, 'Redis did not answer')).rejects.toThrow('Redis did not answer');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
