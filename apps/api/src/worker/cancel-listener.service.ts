// Delivers cancel requests to the running deployments of this worker at once (Redis pub/sub).
// The heartbeat also polls Postgres for them, so a missed message only delays a cancel.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { deploymentChannels } from '../deployments/deployment-events.js';

@Injectable()
export class CancelListener implements OnModuleDestroy {
  private readonly subscriber: Redis;
  private readonly running = new Map<string, (reason: string) => void>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.subscriber = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    const channel = deploymentChannels(config.WHARF_REDIS_PREFIX).cancel;
    void this.subscriber.subscribe(channel).catch(() => undefined);
    this.subscriber.on('message', (_channel: string, deploymentId: string) => {
      this.running.get(deploymentId)?.('cancel requested');
    });
  }

  watch(deploymentId: string, onCancel: (reason: string) => void): () => void {
    this.running.set(deploymentId, onCancel);
    return () => this.running.delete(deploymentId);
  }

  onModuleDestroy(): void {
    this.subscriber.disconnect();
  }
}
