// The BullMQ consumer of the deployments queue. Jobs are looked up in the registry (packages/
// shared JOBS); the worker refuses to start if a job of this queue has no processor here.
import { Inject, Injectable } from '@nestjs/common';
import { DEPLOY_QUEUE, JOBS, jobNamesOn, type JobNameOn } from '@wharf/shared';
import { DelayedError, type Job, Worker } from 'bullmq';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { closeWorker } from '../queue/bounded-close.js';
import { bullConnection } from '../queue/redis-options.js';
import { DeploymentRunner } from './deployment-runner.service.js';

/** How long a deployment waiting for its environment's lock sleeps before trying again. */
const WAIT_FOR_LOCK_MS = 2_000;

type Processor = (job: Job, token: string | undefined) => Promise<void>;

@Injectable()
export class DeployWorker {
  private worker: Worker | null = null;

  constructor(
    private readonly runner: DeploymentRunner,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private readonly processors: Record<JobNameOn<typeof DEPLOY_QUEUE>, Processor> = {
    'deployment.run': async (job, token) => {
      const { deploymentId } = JOBS['deployment.run'].parse(job.data);
      const outcome = await this.runner.run(deploymentId);
      if (outcome === 'wait') {
        // Another deployment of the environment runs or is ahead in line: wait our turn.
        await job.moveToDelayed(Date.now() + WAIT_FOR_LOCK_MS, token);
        throw new DelayedError();
      }
    },
  };

  start(): void {
    const missing = jobNamesOn(DEPLOY_QUEUE).filter((name) => typeof this.processors[name] !== 'function');
    if (missing.length > 0) throw new Error(`no processor for job(s): ${missing.join(', ')}`);
    this.worker = new Worker(
      DEPLOY_QUEUE,
      async (job, token) => {
        const processor = this.processors[job.name as JobNameOn<typeof DEPLOY_QUEUE>];
        if (!processor) throw new Error(`unknown job ${job.name}`);
        await processor(job, token);
      },
      {
        connection: bullConnection(this.config.REDIS_URL),
        prefix: `${this.config.WHARF_REDIS_PREFIX}:bull`,
        concurrency: this.config.WHARF_WORKER_CONCURRENCY,
        // Stalled jobs (their worker died) come back; the runner's claim makes that harmless.
        maxStalledCount: 100,
      },
    );
    this.worker.on('error', (err) => this.logger.event('warn', 'queue error', { error: err.message }, 'DeployWorker'));
    this.worker.on('failed', (job, err) => {
      if (err instanceof DelayedError) return;
      this.logger.event('error', 'job failed', { jobId: job?.id, name: job?.name, error: err.message }, 'DeployWorker');
    });
  }

  /** Takes no new jobs, waits for running ones up to the grace period, then stops them. */
  async stop(): Promise<void> {
    if (!this.worker) return;
    await closeWorker(this.worker, {
      graceMs: this.config.WHARF_SHUTDOWN_GRACE_SECONDS * 1000,
      onGraceOver: () => {
        this.logger.event(
          'warn',
          'shutdown grace period over; stopping running deployments',
          { active: this.runner.activeCount },
          'DeployWorker',
        );
        this.runner.abortAll('worker shutting down');
      },
      // Aborted deployments still write their end (status, last log lines): give them time.
      forceMs: 15_000,
      logger: this.logger,
      context: 'DeployWorker',
    });
    this.worker = null;
  }
}
