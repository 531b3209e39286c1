// Redis or Postgres restarting under a running platform (issue 3): the platform recovers
// without manual action, no deployment stays running, nothing is deployed twice and no log
// line is lost. Redis is a private redis-server killed -9 and started again empty on the same
// port; Postgres (shared with other tests) is "restarted" by a TCP proxy in front of it that
// drops every connection and refuses new ones, which is what clients see during a restart.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { DeployQueue } from '../src/queue/deploy-queue.service.js';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { startPrivateRedis, startTcpProxy, throughPort, type PrivateRedis, type TcpProxy } from './fault-tools.js';
import { setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

// Short enough that a test waits seconds, not minutes, for the sweeper.
const REQUEUE_AFTER_SECONDS = '3';
// Shorter than the Postgres outage below on purpose: a live worker that could not check in
// while the database was away must not be taken for a lost one.
const HEARTBEAT_TIMEOUT_SECONDS = '10';
const PG_OUTAGE_AT_LEAST_MS = 15_000;
/** Seconds each host's install sleeps: long enough to act while a deployment is mid-flight. */
const SLOW_INSTALL = 4;

let redis: PrivateRedis | null = null;
let proxy: TcpProxy | null = null;
let t: TestApp | null = null;
let worker: RunningWorker | null = null;
let f: ReleaseFixture;
const pgTarget = { host: '127.0.0.1', port: 5432 };

function workerEnv(app: TestApp): Record<string, string> {
  const c = app.config;
  return {
    DATABASE_URL: c.DATABASE_URL,
    REDIS_URL: c.REDIS_URL,
    WHARF_REDIS_PREFIX: c.WHARF_REDIS_PREFIX,
    WHARF_DATA_DIR: c.WHARF_DATA_DIR,
    WHARF_SECRET_KEY: c.WHARF_SECRET_KEY,
    WHARF_HEARTBEAT_TIMEOUT_SECONDS: HEARTBEAT_TIMEOUT_SECONDS,
    WHARF_REQUEUE_AFTER_SECONDS: REQUEUE_AFTER_SECONDS,
    // stop() in afterAll must not wait minutes for a deployment a failed scenario left running.
    WHARF_SHUTDOWN_GRACE_SECONDS: '5',
    WHARF_LOG_LEVEL: 'error',
  };
}

beforeAll(async () => {
  redis = await startPrivateRedis();
  proxy = await startTcpProxy(pgTarget);
  t = await startTestApp(
    { REDIS_URL: redis.url },
    {
      databaseUrl: (url) => {
        const u = new URL(url);
        pgTarget.host = u.hostname;
        pgTarget.port = Number(u.port || 5432);
        return throughPort(url, proxy!.port);
      },
    },
  );
  worker = await startWorker(loadConfig(workerEnv(t)));
  f = await setupRelease(t, { hostCount: 2, baseAddress: '127.0.0.60', slug: 'restarts' });
  await f.push('1.0.0', { slowInstall: SLOW_INSTALL });
  await f.push('2.0.0');
  await f.push('3.0.0', { slowInstall: SLOW_INSTALL });
}, 240_000);

// A scenario that failed mid-outage must not leave the next one without Redis or Postgres.
beforeEach(async () => {
  await proxy?.up();
  await redis?.start();
});

afterAll(async () => {
  // Bring both services back first: the worker and the app shut down cleanly only with them.
  await proxy?.up().catch(() => undefined);
  await redis?.start().catch(() => undefined);
  // Every step is bounded, so one that hangs cannot keep the daemons after it alive.
  const steps: [string, () => Promise<void> | undefined][] = [
    ['worker', () => worker?.stop()],
    ['hosts', () => f?.hosts.stop()],
    ['app', () => t?.close().catch((err: unknown) => t!.db.drop().then(() => Promise.reject(err)))],
    ['proxy', () => proxy?.close()],
    ['redis', () => redis?.stop()],
  ];
  const errors: string[] = [];
  for (const [name, step] of steps) {
    try {
      await settlesWithin(Promise.resolve(step()), 20_000, 'did not stop within 20 s');
    } catch (err) {
      errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (errors.length) throw new Error(`cleanup failed: ${errors.join('; ')}`);
}, 120_000);

function installPid(hostIndex: number, version: string): string {
  return join(f.hosts.hosts[hostIndex]!.baseDir, 'releases', version, 'install.pid');
}

/** Resolves once `path` exists: the deployment reached that host's install step. */
async function reached(path: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Rejects with `message` if `p` does not settle in `ms` (a hang guard, not a speed check). */
function settlesWithin<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

/** Calls `fn` until it resolves (a client re-connecting); throws `message` after `timeoutMs`. */
async function untilOk<T>(fn: () => Promise<T>, timeoutMs: number, message: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`${message}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function health(): Promise<{ status: number; body: { status: string; database: string; redis: string } }> {
  const res = await fetch(`${t!.url}/api/health`);
  return { status: res.status, body: (await res.json()) as { status: string; database: string; redis: string } };
}

/** The stored log must be seq 1..N without a hole, and end with the final system line. */
async function expectWholeLog(deploymentId: string, finalLine: string): Promise<number> {
  const rows = await t!.app.get(PrismaService).deploymentLog.findMany({
    where: { deploymentId },
    select: { seq: true, text: true },
    orderBy: { seq: 'asc' },
  });
  expect(rows.length).toBeGreaterThan(5);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  expect(rows[rows.length - 1]!.text).toContain(finalLine);
  return rows.length;
}

async function startedEvents(deploymentId: string): Promise<number> {
  const res = await f.admin.get(`/api/v1/projects/${f.slug}/audit?action=deployment.started`);
  expect(res.status).toBe(200);
  return (res.body.items as { subjectId: string }[]).filter((e) => e.subjectId === deploymentId).length;
}

describe('restarts of Redis and Postgres', { timeout: 300_000 }, () => {
  it('Redis restarting mid-deployment: the deployment finishes with its whole log, and the next release runs', async () => {
    const d = await f.release('1.0.0');
    // Down from host 1's install until host 2's: the outage spans host 1 finishing, its
    // result being recorded, and host 2 starting, all with lines logged.
    await reached(installPid(0, '1.0.0'));
    await redis!.kill();
    await reached(installPid(1, '1.0.0'));
    expect((await health()).body.redis).toBe('down');
    const during = (await f.admin.get(`/api/v1/projects/${f.slug}/deployments/${d.id}`)).body;
    expect(during.state).toBe('running');
    await redis!.start();

    const done = await f.waitFinished(d.id);
    expect(done.state).toBe('succeeded');
    expect(done.targets.map((x) => x.state)).toEqual(['succeeded', 'succeeded']);
    await expectWholeLog(d.id, 'Deployment succeeded');
    expect(await startedEvents(d.id)).toBe(1);

    // The API's producer re-connects by itself; once it does, a release is queued by the API
    // at once (not later by the sweeper), and the worker's consumer, re-connected, runs it.
    const queue = t!.app.get(DeployQueue).queue;
    await untilOk(() => queue.count(), 60_000, "the API's queue did not re-connect to Redis");
    const n = await f.release('2.0.0');
    expect(await queue.getJob(n.id)).toBeTruthy();
    const next = await f.waitFinished(n.id);
    expect(next.state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['2.0.0', '2.0.0']);
  });

  it('a release requested while Redis is down is accepted, then re-queued and run exactly once', async () => {
    await redis!.kill();
    const d = await settlesWithin(f.release('1.0.0'), 60_000, 'the API did not answer a release while Redis was down');
    expect(d.state).toBe('queued');
    const stored = await t!.app.get(PrismaService).deployment.findUniqueOrThrow({ where: { id: d.id } });
    expect(stored.state).toBe('queued');
    await redis!.start();

    // Redis came back empty: only the watchdog's sweeper can bring the job back.
    const done = await f.waitFinished(d.id);
    expect(done.state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0']);
    await expectWholeLog(d.id, 'Deployment succeeded');
    expect(await startedEvents(d.id)).toBe(1);
  });

  it('Postgres restarting mid-deployment: health says so, and the deployment finishes with every result and line', async () => {
    const d = await f.release('3.0.0');
    await reached(installPid(0, '3.0.0'));
    await proxy!.down();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'degraded', database: 'down', redis: 'up' });
    // The hosts carry on without the database: host 2 starts while it is away. The outage
    // also outlasts the heartbeat timeout, as a slow restart or a failover does.
    await Promise.all([reached(installPid(1, '3.0.0')), new Promise((r) => setTimeout(r, PG_OUTAGE_AT_LEAST_MS))]);
    await proxy!.up();
    const up = await health();
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ok', database: 'up', redis: 'up' });

    const done = await f.waitFinished(d.id);
    expect(done.state).toBe('succeeded');
    expect(done.targets.map((x) => x.state)).toEqual(['succeeded', 'succeeded']);
    expect(await f.versionsServed()).toEqual(['3.0.0', '3.0.0']);
    await expectWholeLog(d.id, 'Deployment succeeded');
    expect(await startedEvents(d.id)).toBe(1);
  });

  it('leaves no deployment running or queued, and started each one exactly once', async () => {
    const prisma = t!.app.get(PrismaService);
    const rows = await prisma.deployment.findMany({ select: { id: true, state: true } });
    expect(rows.length).toBe(4);
    expect(rows.filter((r) => r.state === 'running' || r.state === 'queued')).toEqual([]);
    const started = await prisma.auditEvent.groupBy({
      by: ['subjectId'],
      where: { action: 'deployment.started' },
      _count: true,
    });
    expect(started.map((s) => s._count).sort()).toEqual([1, 1, 1, 1]);
    expect(started.map((s) => s.subjectId).sort()).toEqual(rows.map((r) => r.id).sort());
  });
});
