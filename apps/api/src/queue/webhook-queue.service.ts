// Producer side of the webhooks queue (GitLab deliveries, auto-deploy decisions). Jobs carry
// ids; Postgres holds the state, and the worker's sweeper finds anything a lost job left
// behind, so an enqueue that fails is never the only copy of the work.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { JOBS, WEBHOOK_QUEUE, type JobNameOn, type JobPayload } from '@wharf/shared';
import { Queue } from 'bullmq';
import { JsonLogger } from '../common/json-logger.js';
import { withTimeout } from '../common/with-timeout.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { closeQueue } from './bounded-close.js';
import { bullConnection } from './redis-options.js';

type WebhookJob = JobNameOn<typeof WEBHOOK_QUEUE>;

/** GitLab gives up after 10 s: an enqueue waits at most this long before the API answers 503. */
export const WEBHOOK_ENQUEUE_TIMEOUT_MS = 1_000;

@Injectable()
export class WebhookQueue implements OnModuleDestroy {
  readonly queue: Queue;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly logger: JsonLogger,
  ) {
    // No offline queue: while Redis is down an add fails at once (as for deployments).
    this.queue = new Queue(WEBHOOK_QUEUE, {
      connection: { ...bullConnection(config.REDIS_URL), enableOfflineQueue: false },
      prefix: `${config.WHARF_REDIS_PREFIX}:bull`,
    });
    this.queue.on('error', () => undefined); // reconnects by itself
  }

  async add<N extends WebhookJob>(
    name: N,
    payload: JobPayload<N>,
    jobId: string,
    opts: { delayMs?: number; timeoutMs?: number } = {},
  ): Promise<void> {
    JOBS[name].parse(payload);
    const adding = this.queue.add(name, payload, {
      jobId,
      delay: opts.delayMs,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
    const ms = opts.timeoutMs ?? WEBHOOK_ENQUEUE_TIMEOUT_MS;
    await withTimeout(adding, ms, `Redis did not take job ${jobId} within ${ms} ms`);
  }

  /** A recorded delivery for the worker to look at. */
  deliveryRecorded(deliveryId: string): Promise<void> {
    return this.add('webhook.delivery', { deliveryId }, `delivery-${deliveryId}`);
  }

  /** Settle an environment's waiting auto-deploys after `delayMs`; `reason` keeps job ids apart. */
  evaluateEnvironment(environmentId: string, reason: string, delayMs = 0): Promise<void> {
    return this.add('autodeploy.evaluate', { environmentId }, `evaluate-${environmentId}-${reason}`, { delayMs });
  }

  async onModuleDestroy(): Promise<void> {
    await closeQueue(this.queue, this.logger, 'WebhookQueue');
  }
}
