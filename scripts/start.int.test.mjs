// `npm start` (scripts/start.mjs) against the test PostgreSQL and Redis, with the built API and
// worker: the first-run output, a kill -9 of the worker and of the API (each restarted, the
// API answering again, the rest untouched), and SIGTERM stopping everything.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './lib/net.mjs';
import { commandLine, isAlive, stopPid } from './lib/process.mjs';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const PG_ADMIN_URL = process.env.WHARF_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.WHARF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const dbName = `wharf_test_start_${randomBytes(5).toString('hex')}`;
let dataDir;
let port;
let start = null;
let output = '';
let exit = null;

async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${output}`);
    await sleep(100);
  }
}

const pidOf = async (name) => Number((await readFile(join(dataDir, 'run', `${name}.pid`), 'utf8')).trim());

async function healthy() {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  await adminQuery(`CREATE DATABASE "${dbName}"`);
  dataDir = await mkdtemp(join(tmpdir(), 'wharf-start-'));
  port = await freePort('127.0.0.1');
  // A first run: no admin account configured, the secret key generated into the data dir.
  const inherited = { ...process.env };
  for (const key of ['WHARF_ADMIN_EMAIL', 'WHARF_ADMIN_PASSWORD', 'WHARF_SECRET_KEY']) delete inherited[key];
  start = spawn(process.execPath, [join(repoRoot, 'scripts/start.mjs')], {
    cwd: repoRoot,
    env: {
      ...inherited,
      DATABASE_URL: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`),
      REDIS_URL,
      WHARF_REDIS_PREFIX: `wharf-test-start-${randomBytes(4).toString('hex')}`,
      WHARF_DATA_DIR: dataDir,
      WHARF_HOST: '127.0.0.1',
      WHARF_PORT: String(port),
      WHARF_SHUTDOWN_GRACE_SECONDS: '5',
      WHARF_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout.on('data', (d) => (output += d));
  start.stderr.on('data', (d) => (output += d));
  start.once('exit', (code, signal) => (exit = { code, signal }));
});

afterAll(async () => {
  // Only if a test failed half-way: stop what this run started, by pid.
  if (start && exit === null) {
    start.kill('SIGTERM');
    await until('npm start to stop', () => exit !== null, 30_000).catch(() => start.kill('SIGKILL'));
  }
  for (const name of ['worker', 'api']) {
    const pid = await pidOf(name).catch(() => 0);
    if (pid && commandLine(pid).includes('apps/api/dist')) await stopPid(pid, 'SIGKILL');
  }
  await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', { timeout: 120_000 }, () => {
  it('shows the URL and the sign-in first, without Nest boot chatter', async () => {
    await until('the ready banner', () => output.includes('Wharf is running at'), 90_000);
    const beforeBanner = output.slice(0, output.indexOf('Wharf is running at'));
    expect(output).toContain(`Wharf is running at http://127.0.0.1:${port}`);
    expect(output).toMatch(/Sign in as admin@wharf\.local, password printed above and kept in /);
    expect(beforeBanner).toMatch(/^ {2}password: {4}\S{12,}$/m);
    expect(beforeBanner).not.toMatch(/Mapped \{|dependencies initialized|RoutesResolver|NestFactory/);
    // A handful of progress lines, not a screenful of route mappings.
    expect(beforeBanner.trim().split('\n').length).toBeLessThanOrEqual(25);
    expect(await healthy()).toBe(true);
  });

  it('restarts a worker killed with kill -9, and the API keeps answering', async () => {
    const oldPid = await pidOf('worker');
    expect(commandLine(oldPid)).toContain('apps/api/dist/worker.js');
    process.kill(oldPid, 'SIGKILL');
    await until('the restart notice', () =>
      output.includes('worker exited (signal SIGKILL); restarting in 1 s (restart 1)'),
    );
    expect(await healthy()).toBe(true);
    const match = await until('the worker to run again', () => /worker is running again \(pid (\d+)\)/.exec(output));
    const newPid = Number(match[1]);
    expect(newPid).not.toBe(oldPid);
    expect(await pidOf('worker')).toBe(newPid);
    await until('the new worker to boot', () => output.includes('wharf worker started', output.indexOf(match[0])));
    expect(isAlive(newPid)).toBe(true);
    expect(exit).toBe(null);
  });

  it('restarts an API killed with kill -9 and it answers again', async () => {
    const oldPid = await pidOf('api');
    const workerPid = await pidOf('worker');
    process.kill(oldPid, 'SIGKILL');
    await until('the restart notice', () =>
      output.includes('api exited (signal SIGKILL); restarting in 1 s (restart 1)'),
    );
    await until('the API to answer again', healthy, 60_000);
    const newPid = await pidOf('api');
    expect(newPid).not.toBe(oldPid);
    expect(isAlive(newPid)).toBe(true);
    expect(await pidOf('worker')).toBe(workerPid); // the worker was left alone
    expect(isAlive(workerPid)).toBe(true);
    expect(exit).toBe(null);
  });

  it('stops everything on SIGTERM and exits 0', async () => {
    const apiPid = await pidOf('api');
    const workerPid = await pidOf('worker');
    start.kill('SIGTERM');
    await until('npm start to exit', () => exit !== null, 45_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toContain('==> SIGTERM: stopping Wharf');
    expect(output.trimEnd().endsWith('==> stopped')).toBe(true);
    expect(output).not.toMatch(/(worker|api) exited \(code 0\); restarting/);
    expect(isAlive(apiPid)).toBe(false);
    expect(isAlive(workerPid)).toBe(false);
    expect(existsSync(join(dataDir, 'run', 'api.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'run', 'worker.pid'))).toBe(false);
  });
});
