// Producer side of the deployments queue. The job carries only the deployment id, and the
// job id IS the deployment id, so enqueueing twice is harmless.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DEPLOY_QUEUE, JOBS, type JobName, type JobPayload } from '@wharf/shared';
import { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { bullConnection } from './redis-options.js';

@Injectable()
export class DeployQueue implements OnModuleDestroy {
  readonly queue: Queue;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.queue = new Queue(DEPLOY_QUEUE, {
      connection: bullConnection(config.REDIS_URL),
      prefix: `${config.WHARF_REDIS_PREFIX}:bull`,
    });
    this.queue.on('error', () => undefined); // reconnects by itself
  }

  async add<N extends JobName>(name: N, payload: JobPayload<N>, jobId: string): Promise<void> {
    JOBS[name].parse(payload);
    await this.queue.add(name, payload, {
      jobId,
      // Transient errors (Postgres briefly away) retry; the claim makes retries harmless.
      attempts: 5,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
  }

  enqueueDeployment(deploymentId: string): Promise<void> {
    return this.add('deployment.run', { deploymentId }, deploymentId);
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }
}
