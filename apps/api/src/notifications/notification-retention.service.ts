// Notification delivery retention: finished deliveries (sent or failed) older than
// WHARF_NOTIFICATION_DELIVERY_RETENTION_DAYS are deleted in bounded batches. Pending ones are
// left to the relay, however old. The audit events that caused them stay (the audit chain is
// never pruned). Safe in several workers at once: a row deleted twice is deleted once.
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';

/** Rows per statement, so no statement holds many row locks for long. */
const BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class NotificationRetention {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Deletes finished deliveries created before the retention; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.WHARF_NOTIFICATION_DELIVERY_RETENTION_DAYS * DAY_MS);
    let total = 0;
    for (;;) {
      const n = await this.prisma.$executeRaw`
        DELETE FROM "NotificationDelivery" WHERE "id" IN (
          SELECT "id" FROM "NotificationDelivery"
           WHERE "state" IN ('sent', 'failed') AND "createdAt" < ${before}
           LIMIT ${BATCH})`;
      total += n;
      if (n < BATCH) return total;
    }
  }
}
