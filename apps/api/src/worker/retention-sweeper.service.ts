// Runs in every worker: applies each project's artifact retention every
// WHARF_RETENTION_SWEEP_SECONDS, first shortly after start. Several workers may sweep at
// once; each project is swept by whichever takes its lock first (the others skip it).
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ArtifactRetention } from '../artifacts/artifact-retention.service.js';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PeriodicSweep } from './periodic-sweep.js';

/** The first sweep waits this long (or one interval, if shorter), so boot stays quick. */
const FIRST_SWEEP_DELAY_MS = 30_000;

@Injectable()
export class RetentionSweeper implements OnModuleDestroy {
  private readonly periodic = new PeriodicSweep(() => this.tick());

  constructor(
    private readonly retention: ArtifactRetention,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    this.periodic.start(FIRST_SWEEP_DELAY_MS, this.config.WHARF_RETENTION_SWEEP_SECONDS * 1000);
  }

  /** Stops scheduling and lets a sweep in progress finish (its transactions are short). */
  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  private async tick(): Promise<void> {
    try {
      await this.retention.sweepAll();
    } catch (err) {
      this.logger.event('warn', 'retention sweep failed', { error: String(err) }, 'Retention');
    }
  }
}
