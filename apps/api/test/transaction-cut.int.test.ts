// An interactive transaction whose connection is cut mid-query must give its pool client back,
// and a cut under any checked-out client must not crash the process.
// Prisma 6.19's adapter-pg did not: each such cut leaked one client, and once the pool was
// used up every later query waited forever (patched in patches/@prisma__adapter-pg@6.19.3.patch).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isConnectionError } from '../src/common/db-errors.js';
import type { AppConfig } from '../src/config/app-config.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { startTcpProxy, throughPort, type TcpProxy } from './fault-tools.js';
import { createTestDatabase, type TestDatabase } from './test-env.js';

const POOL_SIZE = 2;
let db: TestDatabase;
let locker: pg.Client;
let proxy: TcpProxy;

beforeAll(async () => {
  db = await createTestDatabase();
  locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
});

afterAll(async () => {
  await locker?.end();
  await proxy?.close();
  await db?.drop();
});

it('gives the pool client back when the connection of an interactive transaction is cut', async () => {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: throughPort(db.url, proxy.port), max: POOL_SIZE }),
  });
  try {
    await prisma.project.count();
    // Twice the pool size: without the fix, the pool is empty after POOL_SIZE cuts.
    for (let round = 0; round < POOL_SIZE * 2; round++) {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Project" IN ACCESS EXCLUSIVE MODE');
      const accepted = proxy.accepted;
      const tx = prisma
        .$transaction(async (t) => {
          await t.project.count(); // waits for the lock: the cut finds it mid-query
        })
        .then(
          () => new Error('expected the transaction to fail'),
          (err: unknown) => err,
        );
      await expect.poll(() => proxy.accepted >= accepted, { timeout: 5_000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      await proxy.down();
      const err = await tx;
      await locker.query('ROLLBACK');
      await proxy.up();
      expect(isConnectionError(err), String(err)).toBe(true);
      // The next query must get a connection; a leaked pool would make it wait forever.
      const count = await Promise.race([
        prisma.project.count(),
        new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 10_000)),
      ]);
      expect(count, `round ${round}`).toBe(0);
    }
  } finally {
    await Promise.race([prisma.$disconnect(), new Promise((r) => setTimeout(r, 5_000))]);
  }
}, 120_000);

// The same cut under a client the API checked out itself (the log sink's COPY does): pg emits
// 'error' on that client, and with no listener the whole process died (seen in CI as an
// uncaught "Connection terminated unexpectedly" while Postgres restarted mid-deployment).
it('survives a cut under a checked-out pool client: the query fails, the process does not', async () => {
  const prisma = new PrismaService({ DATABASE_URL: throughPort(db.url, proxy.port) } as AppConfig);
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => void uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const idle = await prisma.pool.connect();
    const busy = await prisma.pool.connect();
    const ended = Promise.all([idle, busy].map((c) => new Promise((r) => c.once('end', r))));
    const query = busy.query('SELECT pg_sleep(30)').then(
      () => new Error('expected the query to fail'),
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 300));
    await proxy.down();
    expect(isConnectionError(await query) || String(await query).includes('terminated')).toBe(true);
    // Without a listener the throw comes before 'end' is emitted: wait a bounded time.
    await Promise.race([ended, new Promise((r) => setTimeout(r, 5_000))]);
    idle.release();
    busy.release(true);
    await proxy.up();
    expect(uncaught).toEqual([]);
    // The pool hands out a working connection again.
    expect((await prisma.pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  } finally {
    process.off('uncaughtException', onUncaught);
    await Promise.race([prisma.onModuleDestroy(), new Promise((r) => setTimeout(r, 5_000))]);
  }
}, 60_000);
