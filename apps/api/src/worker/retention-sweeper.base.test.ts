// The shared shell of the retention sweepers: schedule, stop, and a failed sweep logged
// (never thrown) with the sweeper's own message and context.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonLogger } from '../common/json-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { RetentionSweeperBase } from './retention-sweeper.base.js';

class TestSweeper extends RetentionSweeperBase {
  constructor(
    logger: JsonLogger,
    everySeconds: number,
    private readonly work: () => Promise<void>,
  ) {
    super(logger, { WHARF_RETENTION_SWEEP_SECONDS: everySeconds } as AppConfig, {
      firstSweepDelayMs: 5_000,
      logContext: 'TestRetention',
      failureMessage: 'test retention sweep failed',
    });
  }

  protected sweepOnce(): Promise<void> {
    return this.work();
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RetentionSweeperBase', () => {
  it('logs a failed sweep as a warning with its own message and context, and does not throw', async () => {
    const logger = new JsonLogger();
    const event = vi.spyOn(logger, 'event').mockImplementation(() => {});
    const sweeper = new TestSweeper(logger, 60, () => Promise.reject(new Error('db down')));

    await expect(sweeper.sweep()).resolves.toBeUndefined();
    expect(event).toHaveBeenCalledWith(
      'warn',
      'test retention sweep failed',
      { error: 'Error: db down' },
      'TestRetention',
    );
  });

  it('sweeps first after the shorter of its delay and one interval, then every interval until stopped', async () => {
    vi.useFakeTimers();
    const work = vi.fn(() => Promise.resolve());
    const sweeper = new TestSweeper(new JsonLogger(), 2, work);

    sweeper.start();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(work).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(work).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(work).toHaveBeenCalledTimes(2);

    await sweeper.onModuleDestroy();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(work).toHaveBeenCalledTimes(2);
  });
});
