// Runs in every worker: removes the logs of finished releases past their environment's
// retention every WHARF_RETENTION_SWEEP_SECONDS (the artifact sweep's interval), first shortly
// after start. Concurrent sweeps in several workers are safe (see LogRetention).
import { Inject, Injectable } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { LogRetention } from '../releases/log-retention.service.js';
import { RetentionSweeperBase } from './retention-sweeper.base.js';

@Injectable()
export class LogRetentionSweeper extends RetentionSweeperBase {
  constructor(
    private readonly retention: LogRetention,
    logger: JsonLogger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(logger, config, {
      firstSweepDelayMs: 45_000,
      logContext: 'LogRetention',
      failureMessage: 'log retention sweep failed',
    });
  }

  protected async sweepOnce(): Promise<void> {
    const r = await this.retention.sweep();
    if (r.deployments > 0) this.logger.event('info', 'release logs removed by retention', { ...r }, 'LogRetention');
  }
}
