// The shell the retention sweepers share: a PeriodicSweep every WHARF_RETENTION_SWEEP_SECONDS,
// first after a per-sweeper delay (staggered so they do not all start at once), stopped with
// the module, and a failed sweep logged as a warning so the next one tries again.
import type { OnModuleDestroy } from '@nestjs/common';
import type { JsonLogger } from '../common/json-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { PeriodicSweep } from './periodic-sweep.js';

export interface RetentionSweepOptions {
  /** The first sweep waits this long (or one interval, if shorter), so boot stays quick. */
  firstSweepDelayMs: number;
  /** The log context of this sweeper's lines. */
  logContext: string;
  /** The warning logged when a sweep throws. */
  failureMessage: string;
}

export abstract class RetentionSweeperBase implements OnModuleDestroy {
  private readonly periodic = new PeriodicSweep(() => this.sweep());

  protected constructor(
    protected readonly logger: JsonLogger,
    private readonly config: AppConfig,
    private readonly options: RetentionSweepOptions,
  ) {}

  start(): void {
    this.periodic.start(this.options.firstSweepDelayMs, this.config.WHARF_RETENTION_SWEEP_SECONDS * 1000);
  }

  /** Stops scheduling and lets a sweep in progress finish (its statements are short). */
  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /** One sweep; a failure is logged and the next sweep tries again. */
  async sweep(): Promise<void> {
    try {
      await this.sweepOnce();
    } catch (err) {
      this.logger.event('warn', this.options.failureMessage, { error: String(err) }, this.options.logContext);
    }
  }

  /** This sweeper's own work: remove what is past its retention (and log what it removed). */
  protected abstract sweepOnce(): Promise<void>;
}
