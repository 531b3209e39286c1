// Runs in every worker: removes the logs of finished releases past their environment's
// retention every WHARF_RETENTION_SWEEP_SECONDS (the artifact sweep's interval), first shortly
// after start. Concurrent sweeps in several workers are safe (see LogRetention).
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PeriodicSweep } from './periodic-sweep.js';
import { LogRetention } from '../releases/log-retention.service.js';

/** The first sweep waits this long (or one interval, if shorter), so boot stays quick. */
const FIRST_SWEEP_DELAY_MS = 45_000;

@Injectable()
export class LogRetentionSweeper implements OnModuleDestroy {
  private readonly periodic = new PeriodicSweep(() => this.tick());

  constructor(
    private readonly retention: LogRetention,
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

  private async tick(): Promise<void> {
    try {
      const r = await this.retention.sweep();
      if (r.deployments > 0) this.logger.event('info', 'release logs removed by retention', { ...r }, 'LogRetention');
    } catch (err) {
      this.logger.event('warn', 'log retention sweep failed', { error: String(err) }, 'LogRetention');
    }
  }
}
