// Integration-test environment: a fresh real Postgres database (migrated with the real
// migrations) and a private Redis key prefix per test file. Nothing is shared or mocked.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { freePort } from '@wharf/test-hosts';
import { loadConfig, type AppConfig } from '../src/config/app-config.js';
import { createHttpApp } from '../src/http-app.js';
import { JsonLogger } from '../src/common/json-logger.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const PG_ADMIN_URL = process.env.WHARF_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.WHARF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const TEST_ADMIN = { email: 'admin@test.local', password: 'admin-password-123' };

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `wharf_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const template = process.env.WHARF_TEST_TEMPLATE_DB;
  await admin.query(template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  if (!template) {
    await run('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: url },
    });
  }
  return {
    url,
    name,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  db: TestDatabase;
  dataDir: string;
  close(): Promise<void>;
}

export interface StartTestAppOptions {
  /** Rewrites the fresh database's URL before the app gets it (e.g. to go through a proxy). */
  databaseUrl?: (url: string) => string;
}

/**
 * Boots the real HTTP app on a free loopback port against a fresh database. The port is known
 * before boot, so the default WHARF_PUBLIC_URL is the app's real address (`url`).
 */
export async function startTestApp(
  overrides: Record<string, string> = {},
  opts: StartTestAppOptions = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-test-'));
  const prefix = `wharf-test-${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: opts.databaseUrl ? opts.databaseUrl(db.url) : db.url,
    REDIS_URL,
    WHARF_REDIS_PREFIX: prefix,
    WHARF_DATA_DIR: dataDir,
    WHARF_SECRET_KEY: randomBytes(32).toString('base64'),
    WHARF_ADMIN_EMAIL: TEST_ADMIN.email,
    WHARF_ADMIN_PASSWORD: TEST_ADMIN.password,
    WHARF_PORT: String(await freePort('127.0.0.1')),
    WHARF_LOG_LEVEL: 'warn',
    ...overrides,
  });
  const app = await createHttpApp(config, new JsonLogger('error'));
  const { AdminBootstrapService } = await import('../src/auth/admin-bootstrap.service.js');
  await app.get(AdminBootstrapService).ensureAdmin();
  await app.listen(config.WHARF_PORT, '127.0.0.1');
  return {
    app,
    url: `http://127.0.0.1:${config.WHARF_PORT}`,
    config,
    db,
    dataDir,
    async close() {
      await app.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
      const redis = new Redis(config.REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
