// kill -9 of a worker in the middle of a deployment: the watchdog (in another worker) fails
// it as "worker lost" within the heartbeat timeout, the environment's lock is released, and
// BullMQ's redelivery of the stalled job never runs the deployment a second time.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { readLog, setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

const HEARTBEAT_TIMEOUT_SECONDS = '8';
const workerEntry = fileURLToPath(new URL('../dist/worker.js', import.meta.url));

let t: TestApp;
let f: ReleaseFixture;
let child: ChildProcess | null = null;
let survivor: RunningWorker | null = null;

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
}, 180_000);

afterAll(async () => {
  if (child?.pid && child.exitCode === null) child.kill('SIGKILL');
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
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    // A release queued behind the dead one must not run until the watchdog frees the lock.
    const d3 = await f.release('1.0.0');
    survivor = await startWorker(loadConfig({ ...configEnv() }));
    const lost = await f.waitFinished(d2.id, 60_000);
    expect(lost.state).toBe('failed');
    expect(lost.error).toMatch(/worker lost/);
    expect(lost.targets[0]!.state).toBe('failed');

    const next = await f.waitFinished(d3.id, 120_000);
    expect(next.state).toBe('succeeded');
    expect(await f.versionsServed()).toEqual(['1.0.0']);

    // The stalled job came back to a live worker, which found the deployment already settled.
    const again = (await f.admin.get(`/api/v1/projects/${f.slug}/deployments/${d2.id}`)).body;
    expect(again.state).toBe('failed');
    const started = (await f.admin.get(`/api/v1/projects/${f.slug}/audit?action=deployment.started`)).body.items.filter(
      (e: any) => e.subjectId === d2.id,
    );
    expect(started).toHaveLength(1);
    expect(await readLog(f.admin, f.slug, d2.id)).toContain('worker lost');
  });
});
