import type { Queue, Worker } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import type { JsonLogger } from '../common/json-logger.js';
import { closeQueue, closeWorker } from './bounded-close.js';

function fakeWorker(closeAfterMs: number | null) {
  const worker = {
    close: vi.fn(
      () =>
        new Promise<void>((resolve) => {
          if (closeAfterMs !== null) setTimeout(resolve, closeAfterMs);
        }),
    ),
    disconnect: vi.fn(async () => {}),
  };
  return worker;
}

const logger = () => ({ event: vi.fn() });

describe('closeWorker', () => {
  it('returns as soon as the worker closes within the grace period, without aborting anything', async () => {
    const worker = fakeWorker(20);
    const onGraceOver = vi.fn();
    const log = logger();
    await closeWorker(worker as unknown as Worker, {
      graceMs: 1_000,
      onGraceOver,
      logger: log as unknown as JsonLogger,
      context: 'T',
    });
    expect(onGraceOver).not.toHaveBeenCalled();
    expect(worker.disconnect).not.toHaveBeenCalled();
    expect(log.event).not.toHaveBeenCalled();
  });

  it('calls onGraceOver once when jobs outlive the grace period, and waits for the close it allows', async () => {
    const worker = fakeWorker(150);
    const onGraceOver = vi.fn();
    await closeWorker(worker as unknown as Worker, {
      graceMs: 50,
      onGraceOver,
      forceMs: 1_000,
      logger: logger() as unknown as JsonLogger,
      context: 'T',
    });
    expect(onGraceOver).toHaveBeenCalledTimes(1);
    expect(worker.disconnect).not.toHaveBeenCalled();
  });

  it('never hangs: a close that never ends is given up after grace + force, logged, and its connections dropped', async () => {
    const worker = fakeWorker(null);
    const log = logger();
    await closeWorker(worker as unknown as Worker, {
      graceMs: 50,
      forceMs: 50,
      logger: log as unknown as JsonLogger,
      context: 'T',
    });
    expect(worker.disconnect).toHaveBeenCalledTimes(1);
    expect(log.event).toHaveBeenCalledWith(
      'error',
      expect.stringContaining('did not close in time'),
      expect.anything(),
      'T',
    );
  });

  it('a queue whose close never ends is given up after the bound, logged, and disconnected', async () => {
    const queue = fakeWorker(null);
    const log = logger();
    await closeQueue(queue as unknown as Queue, log as unknown as JsonLogger, 'Q', 50);
    expect(queue.disconnect).toHaveBeenCalledTimes(1);
    expect(log.event).toHaveBeenCalledWith(
      'error',
      expect.stringContaining('did not close in time'),
      expect.anything(),
      'Q',
    );
  });

  it('a queue that closes in time is not disconnected', async () => {
    const queue = fakeWorker(10);
    await closeQueue(queue as unknown as Queue, logger() as unknown as JsonLogger, 'Q', 1_000);
    expect(queue.disconnect).not.toHaveBeenCalled();
  });
});
