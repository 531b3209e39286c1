// Producer side of the deployments queue. The job carries only the deployment id, and the
// job id IS the deployment id, so enqueueing twice is harmless.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DEPLOY_QUEUE, JOBS, type JobName, type JobPayload } from '@wharf/shared';
import { Queue } from 'bullmq';
import { JsonLogger } from '../common/json-logger.js';
import { withTimeout } from '../common/with-timeout.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { closeQueue } from './bounded-close.js';
import { bullConnection } from './redis-options.js';

/** Longest an enqueue may wait for Redis (e.g. while its first connection is still pending). */
const ADD_TIMEOUT_MS = 5_000;

@Injectable()
export class DeployQueue implements OnModuleDestroy {
  readonly queue: Queue;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly logger: JsonLogger,
  ) {
    this.queue = new Queue(DEPLOY_QUEUE, {
      // No offline queue: while Redis is down (restarting) an add fails at once instead of
      // holding the HTTP request until Redis is back; the row is already committed and the
      // watchdog's sweeper re-queues it. (Found by test/restarts.int.test.ts.)
      connection: { ...bullConnection(config.REDIS_URL), enableOfflineQueue: false },
      prefix: `${config.WHARF_REDIS_PREFIX}:bull`,
    });
    this.queue.on('error', () => undefined); // reconnects by itself
  }

  async add<N extends JobName>(name: N, payload: JobPayload<N>, jobId: string): Promise<void> {
    JOBS[name].parse(payload);
    const adding = this.queue.add(name, payload, {
      jobId,
      // Transient errors (Postgres briefly away) retry; the claim makes retries harmless.
      attempts: 5,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
    // BullMQ waits for the first connection however long it takes: bound that wait too.
    await withTimeout(adding, ADD_TIMEOUT_MS, `Redis did not take job ${jobId} within ${ADD_TIMEOUT_MS / 1000} s`);
  }

  enqueueDeployment(deploymentId: string): Promise<void> {
    return this.add('deployment.run', { deploymentId }, deploymentId);
  }

  async onModuleDestroy(): Promise<void> {
    await closeQueue(this.queue, this.logger, 'DeployQueue');
  }
}
