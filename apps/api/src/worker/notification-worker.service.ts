// The consumer of the notifications queue: one job per delivery. A queue of its own, so a slow
// chat service never delays a deployment or a GitLab delivery. Refuses to start if one of the
// queue's registered jobs has no processor here.
import { Inject, Injectable } from '@nestjs/common';
import { JOBS, jobNamesOn, NOTIFY_QUEUE, type JobNameOn } from '@wharf/shared';
import { type Job, Worker } from 'bullmq';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { NOTIFICATION_ATTEMPTS, NotificationDeliverer } from '../notifications/notification-deliverer.service.js';
import { closeWorker } from '../queue/bounded-close.js';
import { bullConnection } from '../queue/redis-options.js';

/** Sends are network waits, not CPU: several at once. */
const CONCURRENCY = 8;

type Processor = (job: Job) => Promise<void>;

@Injectable()
export class NotificationWorker {
  private worker: Worker | null = null;

  constructor(
    private readonly deliverer: NotificationDeliverer,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private readonly processors: Record<JobNameOn<typeof NOTIFY_QUEUE>, Processor> = {
    'notification.deliver': async (job) => {
      const { deliveryId } = JOBS['notification.deliver'].parse(job.data);
      // attemptsMade counts the attempts that failed before this one.
      await this.deliverer.deliver(deliveryId, job.attemptsMade + 1, job.opts.attempts ?? NOTIFICATION_ATTEMPTS);
    },
  };

  start(): void {
    const missing = jobNamesOn(NOTIFY_QUEUE).filter((name) => typeof this.processors[name] !== 'function');
    if (missing.length > 0) throw new Error(`no processor for job(s): ${missing.join(', ')}`);
    this.worker = new Worker(
      NOTIFY_QUEUE,
      async (job) => {
        const processor = this.processors[job.name as JobNameOn<typeof NOTIFY_QUEUE>];
        if (!processor) throw new Error(`unknown job ${job.name}`);
        await processor(job);
      },
      {
        connection: bullConnection(this.config.REDIS_URL),
        prefix: `${this.config.WHARF_REDIS_PREFIX}:bull`,
        concurrency: CONCURRENCY,
      },
    );
    this.worker.on('error', (err) =>
      this.logger.event('warn', 'queue error', { error: err.message }, 'NotificationWorker'),
    );
    // A failed attempt is expected (receivers go down); its error is on the delivery row.
    this.worker.on('failed', (job, err) =>
      this.logger.event(
        'info',
        'notification attempt failed',
        { jobId: job?.id, attempt: job?.attemptsMade, error: err.message },
        'NotificationWorker',
      ),
    );
  }

  async stop(): Promise<void> {
    if (!this.worker) return;
    await closeWorker(this.worker, {
      graceMs: this.config.WHARF_SHUTDOWN_GRACE_SECONDS * 1000,
      logger: this.logger,
      context: 'NotificationWorker',
    });
    this.worker = null;
  }
}
