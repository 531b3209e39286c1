// Runs in every worker. Fails deployments whose worker stopped checking in ("worker lost"),
// which also releases the environment's lock, and re-queues queued deployments whose job
// was lost (e.g. Redis restarted without persistence). Both are safe to run concurrently
// in several workers: each step is a conditional update or an idempotent enqueue.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeploymentEvents } from '../deployments/deployment-events.js';
import { LogSink } from '../live/log-sink.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { DeployQueue } from '../queue/deploy-queue.service.js';
import { RedisService } from '../redis/redis.module.js';

@Injectable()
export class Watchdog implements OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Since when this watchdog has reached Postgres without a failure (null: it just failed). */
  private databaseUpSince: number | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly queue: DeployQueue,
    private readonly events: DeploymentEvents,
    private readonly audit: AuditService,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    const everyMs = Math.max(1000, Math.min(10_000, (this.config.WHARF_HEARTBEAT_TIMEOUT_SECONDS * 1000) / 4));
    this.timer = setInterval(() => void this.tick(), everyMs);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      // While Postgres is away (a restart, a failover) no worker can refresh its heartbeat,
      // though all live on. So a stale heartbeat proves a lost worker only once Postgres has
      // been reachable for a whole timeout; otherwise the first tick after an outage longer
      // than the timeout fails every running deployment (found by test/restarts.int.test.ts).
      try {
        await this.prisma.$queryRaw`SELECT 1`;
        this.databaseUpSince ??= Date.now();
        if (Date.now() - this.databaseUpSince >= this.config.WHARF_HEARTBEAT_TIMEOUT_SECONDS * 1000)
          await this.failLostDeployments();
      } catch (err) {
        this.databaseUpSince = null;
        throw err;
      }
      await this.requeueOrphans();
    } catch (err) {
      this.logger.event('warn', 'watchdog tick failed', { error: String(err) }, 'Watchdog');
    } finally {
      this.running = false;
    }
  }

  async failLostDeployments(): Promise<string[]> {
    const timeout = this.config.WHARF_HEARTBEAT_TIMEOUT_SECONDS;
    const reason = `worker lost: no heartbeat for ${timeout}s`;
    const lost = await this.prisma.$queryRaw<{ id: string; projectId: string; workerId: string | null }[]>`
      UPDATE "Deployment"
         SET "state" = 'failed', "error" = ${reason}, "finishedAt" = now()
       WHERE "state" = 'running' AND "heartbeatAt" < now() - make_interval(secs => ${timeout})
       RETURNING "id", "projectId", "workerId"`;
    for (const d of lost) {
      await this.prisma.deploymentTarget.updateMany({
        where: { deploymentId: d.id, state: { in: ['pending', 'running'] } },
        data: { state: 'failed', error: reason, finishedAt: new Date() },
      });
      const sink = await new LogSink({
        deploymentId: d.id,
        prisma: this.prisma,
        redis: this.redis.client,
        prefix: this.redis.prefix,
        maxBytes: this.config.WHARF_LOG_MAX_MB * 1024 * 1024,
        secrets: [],
      }).open();
      sink.write({
        targetId: null,
        stream: 'system',
        text: `Deployment failed: ${reason} (worker ${d.workerId ?? 'unknown'}). Hosts that were not switched keep their previous version.`,
      });
      await sink.close();
      await this.audit.record(
        { actor: { type: 'system', label: 'watchdog' }, ip: null },
        {
          action: 'deployment.failed',
          subjectType: 'deployment',
          subjectId: d.id,
          projectId: d.projectId,
          data: { error: reason, worker: d.workerId },
        },
      );
      await this.events.statusChanged(d.id);
      this.logger.event(
        'warn',
        'failed a deployment whose worker was lost',
        { deploymentId: d.id, worker: d.workerId },
        'Watchdog',
      );
    }
    return lost.map((d) => d.id);
  }

  private async requeueOrphans(): Promise<void> {
    const queued = await this.prisma.deployment.findMany({
      where: {
        state: 'queued',
        createdAt: { lt: new Date(Date.now() - this.config.WHARF_REQUEUE_AFTER_SECONDS * 1000) },
      },
      select: { id: true },
      take: 500,
    });
    for (const d of queued) {
      const job = await this.queue.queue.getJob(d.id);
      const state = job ? await job.getState() : 'missing';
      // A queued deployment needs a live job. A finished one (e.g. it failed while Postgres
      // was down) would block a re-add with the same id, so it is removed first.
      if (state === 'missing' || state === 'failed' || state === 'completed' || state === 'unknown') {
        if (job) await job.remove().catch(() => undefined);
        await this.queue.enqueueDeployment(d.id);
        this.logger.event(
          'info',
          're-queued a queued deployment that had no live job',
          { deploymentId: d.id, jobState: state },
          'Watchdog',
        );
      }
    }
  }
}
