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
    // A connection dropped by a restarting Postgres must not crash the process, idle or checked
    // out: pg emits 'error' on the client even after failing the query in flight with it, and
    // the pool listens only while a client is idle (a checked-out one, e.g. the log sink's COPY,
    // had no listener). The caller's query gets the error; release discards the dead client.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }
}
