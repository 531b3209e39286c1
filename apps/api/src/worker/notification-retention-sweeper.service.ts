// Runs in every worker: deletes notification deliveries past their retention every
// WHARF_RETENTION_SWEEP_SECONDS (the other retention sweeps' interval), first shortly after
// start. Concurrent sweeps in several workers are safe (see NotificationRetention).
import { Inject, Injectable } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { NotificationRetention } from '../notifications/notification-retention.service.js';
import { RetentionSweeperBase } from './retention-sweeper.base.js';

@Injectable()
export class NotificationRetentionSweeper extends RetentionSweeperBase {
  constructor(
    private readonly retention: NotificationRetention,
    logger: JsonLogger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(logger, config, {
      firstSweepDelayMs: 50_000,
      logContext: 'NotificationRetention',
      failureMessage: 'notification retention sweep failed',
    });
  }

  protected async sweepOnce(): Promise<void> {
    const deleted = await this.retention.prune();
    if (deleted > 0) {
      this.logger.event('info', 'old notification deliveries removed', { deleted }, 'NotificationRetention');
    }
  }
}
