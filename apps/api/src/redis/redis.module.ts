// One shared ioredis connection for request-time work (rate limits, health). BullMQ and
// pub/sub open their own connections, as they need dedicated ones.
import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: Redis;
  readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // maxRetriesPerRequest null + offline queue: commands wait for a restarting Redis
    // instead of failing at once; callers that must answer fast use their own timeouts.
    this.client = new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.client.on('error', () => undefined); // reconnects by itself; health reports the state
    this.prefix = config.WHARF_REDIS_PREFIX;
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
