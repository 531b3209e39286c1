// The consumer of the webhooks queue: GitLab deliveries and auto-deploy decisions. A queue of
// its own, so a delivery is never stuck behind long-running deployments. It refuses to start
// if one of the queue's registered jobs has no processor here.
import { Inject, Injectable } from '@nestjs/common';
import { JOBS, jobNamesOn, WEBHOOK_QUEUE, type JobNameOn } from '@wharf/shared';
import { type Job, Worker } from 'bullmq';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { closeWorker } from '../queue/bounded-close.js';
import { bullConnection } from '../queue/redis-options.js';
import { AutoDeployer } from '../webhooks/auto-deployer.service.js';

/** Deliveries are short database work; this many at a time still leaves the pool (10) room. */
const CONCURRENCY = 8;

type Processor = (job: Job) => Promise<void>;

@Injectable()
export class WebhookWorker {
  private worker: Worker | null = null;

  constructor(
    private readonly autoDeployer: AutoDeployer,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private readonly processors: Record<JobNameOn<typeof WEBHOOK_QUEUE>, Processor> = {
    'webhook.delivery': async (job) => {
      const { deliveryId } = JOBS['webhook.delivery'].parse(job.data);
      await this.autoDeployer.processDelivery(deliveryId);
    },
    'autodeploy.evaluate': async (job) => {
      const { environmentId } = JOBS['autodeploy.evaluate'].parse(job.data);
      await this.autoDeployer.evaluateEnvironment(environmentId);
    },
  };

  start(): void {
    const missing = jobNamesOn(WEBHOOK_QUEUE).filter((name) => typeof this.processors[name] !== 'function');
    if (missing.length > 0) throw new Error(`no processor for job(s): ${missing.join(', ')}`);
    this.worker = new Worker(
      WEBHOOK_QUEUE,
      async (job) => {
        const processor = this.processors[job.name as JobNameOn<typeof WEBHOOK_QUEUE>];
        if (!processor) throw new Error(`unknown job ${job.name}`);
        await processor(job);
      },
      {
        connection: bullConnection(this.config.REDIS_URL),
        prefix: `${this.config.WHARF_REDIS_PREFIX}:bull`,
        concurrency: CONCURRENCY,
      },
    );
    this.worker.on('error', (err) => this.logger.event('warn', 'queue error', { error: err.message }, 'WebhookWorker'));
    this.worker.on('failed', (job, err) =>
      this.logger.event(
        'error',
        'job failed',
        { jobId: job?.id, name: job?.name, error: err.message },
        'WebhookWorker',
      ),
    );
  }

  async stop(): Promise<void> {
    if (!this.worker) return;
    await closeWorker(this.worker, {
      graceMs: this.config.WHARF_SHUTDOWN_GRACE_SECONDS * 1000,
      logger: this.logger,
      context: 'WebhookWorker',
    });
    this.worker = null;
  }
}
