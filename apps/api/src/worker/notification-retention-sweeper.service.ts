// Runs in every worker: deletes notification deliveries past their retention every
// WHARF_RETENTION_SWEEP_SECONDS (the other retention sweeps' interval), first shortly after
// start. Concurrent sweeps in several workers are safe (see NotificationRetention).
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { NotificationRetention } from '../notifications/notification-retention.service.js';
import { PeriodicSweep } from './periodic-sweep.js';

/** The first sweep waits this long (or one interval, if shorter), so boot stays quick. */
const FIRST_SWEEP_DELAY_MS = 50_000;

@Injectable()
export class NotificationRetentionSweeper implements OnModuleDestroy {
  private readonly periodic = new PeriodicSweep(() => this.sweep());

  constructor(
    private readonly retention: NotificationRetention,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    this.periodic.start(FIRST_SWEEP_DELAY_MS, this.config.WHARF_RETENTION_SWEEP_SECONDS * 1000);
  }

  /** Stops scheduling and lets a sweep in progress finish (its statements are short). */
  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /** One sweep; a failure is logged and the next sweep tries again. */
  async sweep(): Promise<void> {
    try {
      const deleted = await this.retention.prune();
      if (deleted > 0) {
        this.logger.event('info', 'old notification deliveries removed', { deleted }, 'NotificationRetention');
      }
    } catch (err) {
      this.logger.event('warn', 'notification retention sweep failed', { error: String(err) }, 'NotificationRetention');
    }
  }
}
