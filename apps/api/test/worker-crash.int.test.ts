// kill -9 of a worker in the middle of a deployment: the watchdog (in another worker) fails
// it as "worker lost" within the heartbeat timeout, the environment's lock is released, and
// BullMQ's redelivery of the stalled job (forced here, see below) never runs the deployment
// a second time: the host's install counter, the log and the audit trail show one run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DEPLOY_QUEUE } from '@wharf/shared';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';
import { bullConnection } from '../src/queue/redis-options.js';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { readLog, setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

const HEARTBEAT_TIMEOUT_SECONDS = '8';
const workerEntry = fileURLToPath(new URL('../dist/worker.js', import.meta.url));

let t: TestApp;
let f: ReleaseFixture;
let child: ChildProcess | null = null;
let survivor: RunningWorker | null = null;
let checker: Worker | null = null;
let queue: Queue | null = null;
let redis: Redis | null = null;

/** Every install on the host appends its deployment id to this file, outside releases/ (which a retry replaces). */
const INSTALL_RUNS = 'install-runs.log';
const countingInstall = `printf '%s\\n' "$WHARF_DEPLOYMENT_ID" >> "$WHARF_BASE_DIR/${INSTALL_RUNS}" && npm ci --omit=dev --no-audit --no-fund`;

async function installRuns(deploymentId: string): Promise<number> {
  const text = await readFile(join(f.hosts.hosts[0]!.baseDir, INSTALL_RUNS), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line === deploymentId).length;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function configEnv(): Record<string, string> {
  const c = t.config;
  return {
    DATABASE_URL: c.DATABASE_URL,
    REDIS_URL: c.REDIS_URL,
    WHARF_REDIS_PREFIX: c.WHARF_REDIS_PREFIX,
    WHARF_DATA_DIR: c.WHARF_DATA_DIR,
    WHARF_SECRET_KEY: c.WHARF_SECRET_KEY,
    WHARF_HEARTBEAT_TIMEOUT_SECONDS: HEARTBEAT_TIMEOUT_SECONDS,
    WHARF_LOG_LEVEL: 'warn',
  };
}

beforeAll(async () => {
  t = await startTestApp();
  f = await setupRelease(t, { hostCount: 1, baseAddress: '127.0.0.40', slug: 'crashy' });
  const settings = await f.admin.patch(`/api/v1/projects/${f.slug}/environments/${f.envId}/settings`, {
    installCommand: countingInstall,
  });
  expect(settings.status).toBe(200);
}, 180_000);

afterAll(async () => {
  if (child?.pid && child.exitCode === null) child.kill('SIGKILL');
  await checker?.close();
  await queue?.close();
  redis?.disconnect();
  await survivor?.stop();
  await f?.hosts.stop();
  if (f) await rm(f.workDir, { recursive: true, force: true });
  await t?.close();
});

describe('worker killed mid-deploy', { timeout: 300_000 }, () => {
  it('fails the deployment as "worker lost", releases the lock, and never runs it twice', async () => {
    expect(existsSync(workerEntry)).toBe(true);
    await f.push('1.0.0');
    await f.push('2.0.0', { slowInstall: 30 });

    child = spawn(process.execPath, [workerEntry], { env: { ...process.env, ...configEnv() }, stdio: 'ignore' });
    const d1 = await f.waitFinished((await f.release('1.0.0')).id);
    expect(d1.state).toBe('succeeded');

    const d2 = await f.release('2.0.0');
    const pidFile = join(f.hosts.hosts[0]!.baseDir, 'releases', '2.0.0', 'install.pid');
    await f.waitFor(d2.id, () => existsSync(pidFile), 60_000);
    // The first run's install is in the stored log before the kill, so a second one would show.
    await until(
      'the install to reach the log',
      async () => (await readLog(f.admin, f.slug, d2.id)).includes('slow install started'),
      30_000,
    );
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    expect(await installRuns(d2.id)).toBe(1);

    // A release queued behind the dead one must not run until the watchdog frees the lock.
    const d3 = await f.release('1.0.0');
    survivor = await startWorker(loadConfig({ ...configEnv() }));

    // Force BullMQ's redelivery of the dead worker's job instead of hoping it happens before
    // the test ends. Its lock (lockDuration 30 s, last renewed by the dead worker) expires by
    // itself; then a stalled check moves the job back to wait, and the survivor takes it.
    // The checker processes nothing; it only runs stalled checks every 200 ms. Each check
    // leaves a throttle key valid for the checking worker's interval (the survivor's: 30 s),
    // which is cleared so the next check is not skipped.
    const prefix = `${t.config.WHARF_REDIS_PREFIX}:bull`;
    const connection = bullConnection(t.config.REDIS_URL);
    redis = new Redis(t.config.REDIS_URL);
    queue = new Queue(DEPLOY_QUEUE, { connection, prefix });
    const jobKey = `${prefix}:${DEPLOY_QUEUE}:${d2.id}`;
    const before = await queue.getJob(d2.id);
    expect(before?.attemptsStarted).toBe(1);
    expect(await queue.getJobState(d2.id)).toBe('active');
    await until(
      "the dead worker's job lock to expire",
      async () => (await redis!.exists(`${jobKey}:lock`)) === 0,
      45_000,
    );
    checker = new Worker(DEPLOY_QUEUE, null, { connection, prefix, autorun: false, stalledInterval: 200 });
    await checker.startStalledCheckTimer();
    await until(
      'the stalled job to be redelivered and completed',
      async () => {
        await redis!.del(`${prefix}:${DEPLOY_QUEUE}:stalled-check`);
        return (await queue!.getJobState(d2.id)) === 'completed';
      },
      30_000,
    );
    const redelivered = await queue.getJob(d2.id);
    expect(redelivered?.stalledCounter).toBe(1);
    expect(redelivered?.attemptsStarted).toBe(2);

    const lost = await f.waitFinished(d2.id, 60_000);
    expect(lost.state).toBe('failed');
    expect(lost.error).toMatch(/worker lost/);
    expect(lost.targets[0]!.state).toBe('failed');

    const next = await f.waitFinished(d3.id, 120_000);
    expect(next.state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['1.0.0']);

    // The redelivered job found the deployment no longer queued and returned: one install on
    // the host, one start in the audit trail, one install in the log.
    expect(await installRuns(d2.id)).toBe(1);
    expect(await installRuns(d1.id)).toBe(1);
    const again = (await f.admin.get(`/api/v1/projects/${f.slug}/deployments/${d2.id}`)).body;
    expect(again.state).toBe('failed');
    const started = (await f.admin.get(`/api/v1/projects/${f.slug}/audit?action=deployment.started`)).body.items.filter(
      (e: any) => e.subjectId === d2.id,
    );
    expect(started).toHaveLength(1);
    const log = await readLog(f.admin, f.slug, d2.id);
    expect(log).toContain('worker lost');
    expect(log.split('slow install started').length - 1).toBe(1);
  });
});
