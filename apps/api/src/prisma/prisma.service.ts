// The only way services reach Postgres. Uses the pg driver adapter (no native engine).
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaClient } from '../generated/prisma/client.js';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  /**
   * Prisma's own connections, for the rare hot path where its per-query cost shows (the GitLab
   * webhook endpoint: two statements per delivery at hundreds per second). Plain parameterized
   * SQL only; everything else goes through the client.
   */
  readonly pool: pg.Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
    // An idle connection dropped by a restarting Postgres is replaced; it must not crash us.
    pool.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }
}
