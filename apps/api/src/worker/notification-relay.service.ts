// The outbox relay: pending notification deliveries (inserted with their audit event) become
// queue jobs. Job id = delivery id, so a delivery already waiting (or backing off) in the queue
// is not added twice; several workers may relay at once. A delivery this relay queued is left
// alone for a while, then queued again in case Redis lost the job (the job skips it unless it
// is still pending).
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { NOTIFY_QUEUE, JOBS } from '@wharf/shared';
import { Queue } from 'bullmq';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { NOTIFICATION_ATTEMPTS } from '../notifications/notification-deliverer.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { closeQueue } from '../queue/bounded-close.js';
import { bullConnection } from '../queue/redis-options.js';

const BATCH = 200;
/** A queued delivery still pending after this long is queued again (longer than all its retries). */
const REQUEUE_AFTER_MS = 30 * 60_000;

@Injectable()
export class NotificationRelay implements OnModuleDestroy {
  readonly queue: Queue;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly queuedAt = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.queue = new Queue(NOTIFY_QUEUE, {
      connection: { ...bullConnection(config.REDIS_URL), enableOfflineQueue: false },
      prefix: `${config.WHARF_REDIS_PREFIX}:bull`,
    });
    this.queue.on('error', () => undefined); // reconnects by itself
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.config.WHARF_NOTIFICATION_POLL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await closeQueue(this.queue, this.logger, 'NotificationRelay');
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const pending = await this.prisma.notificationDelivery.findMany({
        where: { state: 'pending' },
        orderBy: { createdAt: 'asc' },
        take: BATCH,
        select: { id: true },
      });
      const now = Date.now();
      for (const [id, at] of this.queuedAt) if (now - at > REQUEUE_AFTER_MS) this.queuedAt.delete(id);
      const fresh = pending.filter((d) => !this.queuedAt.has(d.id));
      if (fresh.length === 0) return;
      await this.queue.addBulk(
        fresh.map((d) => {
          const data = JOBS['notification.deliver'].parse({ deliveryId: d.id });
          return {
            name: 'notification.deliver',
            data,
            opts: {
              jobId: d.id,
              attempts: NOTIFICATION_ATTEMPTS,
              backoff: { type: 'exponential', delay: this.config.WHARF_NOTIFICATION_RETRY_BASE_MS },
              removeOnComplete: { count: 1000 },
              removeOnFail: { count: 1000 },
            },
          };
        }),
      );
      for (const d of fresh) this.queuedAt.set(d.id, now);
    } catch (err) {
      this.logger.event('warn', 'notification relay failed; retrying', { error: String(err) }, 'NotificationRelay');
    } finally {
      this.running = false;
    }
  }
}
