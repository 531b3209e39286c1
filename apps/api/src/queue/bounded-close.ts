// Shutdown must never hang: BullMQ's Worker.close() and Queue.close() wait for running jobs and then for its
// Redis connections to end, and either can wait forever (a stuck job, a connection that never
// emits `end`). Whatever we stop waiting for is safe to leave: a job still active in Redis is
// found stalled and run again by another worker, and the deployment runner's claim makes that
// harmless.
import type { Queue, Worker } from 'bullmq';
import type { JsonLogger } from '../common/json-logger.js';

export interface CloseWorkerOptions {
  /** How long running jobs may take to finish on their own. */
  graceMs: number;
  /** Called once when the grace period is over and jobs still run (e.g. abort them). */
  onGraceOver?: () => void;
  /** How long to wait after the grace period before giving up on the close. */
  forceMs?: number;
  logger: JsonLogger;
  context: string;
}

const settled = (p: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    );
  });

/** Closes `worker`, waiting at most `graceMs + forceMs`; says so when it had to stop waiting. */
export async function closeWorker(worker: Worker, opts: CloseWorkerOptions): Promise<void> {
  const closing = worker.close();
  if (await settled(closing, opts.graceMs)) return;
  opts.onGraceOver?.();
  if (await settled(closing, opts.forceMs ?? 5_000)) return;
  opts.logger.event(
    'error',
    'queue worker did not close in time; dropping its connections (its jobs come back as stalled)',
    { graceMs: opts.graceMs, forceMs: opts.forceMs ?? 5_000 },
    opts.context,
  );
  await settled(worker.disconnect(), 1_000);
}

/** Closes a producer queue, dropping its connection if the close does not end within `ms`. */
export async function closeQueue(queue: Queue, logger: JsonLogger, context: string, ms = 5_000): Promise<void> {
  if (await settled(queue.close(), ms)) return;
  logger.event('error', 'queue did not close in time; dropping its connection', { ms }, context);
  await settled(queue.disconnect(), 1_000);
}
