// Runs in every worker: applies each project's artifact retention every
// WHARF_RETENTION_SWEEP_SECONDS, first shortly after start. Several workers may sweep at
// once; each project is swept by whichever takes its lock first (the others skip it).
import { Inject, Injectable } from '@nestjs/common';
import { ArtifactRetention } from '../artifacts/artifact-retention.service.js';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RetentionSweeperBase } from './retention-sweeper.base.js';

@Injectable()
export class RetentionSweeper extends RetentionSweeperBase {
  constructor(
    private readonly retention: ArtifactRetention,
    logger: JsonLogger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(logger, config, {
      firstSweepDelayMs: 30_000,
      logContext: 'Retention',
      failureMessage: 'retention sweep failed',
    });
  }

  protected async sweepOnce(): Promise<void> {
    await this.retention.sweepAll();
  }
}
