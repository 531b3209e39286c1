// Runs in every worker: Postgres is the source of truth for webhooks, so whatever a lost or
// never-queued job left behind is found here. Looks at deliveries no job picked up, settles
// auto-deploys that are due (an artifact that arrived without a wake-up, an expired wait, a
// freeze window that ended), and deletes deliveries older than
// WHARF_WEBHOOK_DELIVERY_RETENTION_DAYS. Every step is safe to run in several workers at once:
// each is a conditional update under the same locks as a job.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { AutoDeployer } from '../webhooks/auto-deployer.service.js';

/** A pending delivery is left to its queued job for this long before the sweeper takes it. */
const PENDING_GRACE_SECONDS = 10;
const BATCH = 200;
const PRUNE_EVERY_MS = 10 * 60_000;

@Injectable()
export class AutoDeploySweeper implements OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private lastPrune = 0;

  constructor(
    private readonly prisma: PrismaService,
    private readonly autoDeployer: AutoDeployer,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.config.WHARF_AUTO_DEPLOY_SWEEP_SECONDS * 1000);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const pending = await this.prisma.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "WebhookDelivery"
         WHERE "outcome" = 'pending' AND "receivedAt" < now() - make_interval(secs => ${PENDING_GRACE_SECONDS})
         ORDER BY "receivedAt" LIMIT ${BATCH}`;
      for (const d of pending) await this.autoDeployer.processDelivery(d.id);
      for (const environmentId of await this.autoDeployer.environmentsToEvaluate(BATCH)) {
        await this.autoDeployer.evaluateEnvironment(environmentId);
      }
      if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
        await this.prune();
        this.lastPrune = Date.now();
      }
    } catch (err) {
      this.logger.event('warn', 'auto-deploy sweep failed', { error: String(err) }, 'AutoDeploySweeper');
    } finally {
      this.running = false;
    }
  }

  /** Deletes old deliveries (their auto-deploys go with them), a batch at a time. */
  async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.prisma.$executeRaw`
        DELETE FROM "WebhookDelivery" WHERE "id" IN (
          SELECT "id" FROM "WebhookDelivery"
           WHERE "receivedAt" < now() - make_interval(days => ${this.config.WHARF_WEBHOOK_DELIVERY_RETENTION_DAYS})
             AND "outcome" NOT IN ('pending', 'waiting', 'frozen')
           LIMIT 1000)`;
      total += n;
      if (n < 1000) break;
    }
    if (total > 0) this.logger.event('info', 'pruned old webhook deliveries', { count: total }, 'AutoDeploySweeper');
    return total;
  }
}
