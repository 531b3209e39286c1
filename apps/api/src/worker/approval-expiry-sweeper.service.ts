// Runs in every worker: releases waiting for approval past their expiry become expired
// (ApprovalExpiry, a conditional update that skips rows an approval holds, so several
// workers and a concurrent approve each expire a release once).
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ApprovalExpiry } from '../approvals/approval-expiry.js';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

@Injectable()
export class ApprovalExpirySweeper implements OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly expiry: ApprovalExpiry,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Same cadence as the auto-deploy sweeper: expiry is minute-grained, a few seconds late is fine. */
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
      const expired = await this.expiry.expireOverdue();
      if (expired.length > 0) {
        this.logger.event('info', 'expired releases nobody approved in time', { count: expired.length }, 'Approvals');
      }
    } catch (err) {
      this.logger.event('warn', 'approval expiry sweep failed', { error: String(err) }, 'Approvals');
    } finally {
      this.running = false;
    }
  }
}
