// Finds a Redis for Wharf: a configured REDIS_URL, else one answering on 127.0.0.1:6379,
// else a private `redis-server` from PATH on a free loopback port. No npm package ships
// Redis, so when none of these works the caller stops with an instruction.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, redisAnswers } from './net.mjs';
import { spawnDaemon, stopPid, stopStalePidFile, writePidFile } from './process.mjs';

export const REDIS_INSTALL_HINT = 'install Redis (apt-get install -y redis-server) or set REDIS_URL to a running Redis';

export function redisServerOnPath() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts `redis-server` on a free port. With `dir`, data is kept there (RDB snapshots, so
 * queued jobs survive a restart) and a pid file lets the next run clean up after a kill;
 * without it, a temp dir is used and removed on stop.
 */
export async function startPrivateRedis({ dir, logFile } = {}) {
  if (!redisServerOnPath()) throw new Error(`redis-server was not found on PATH: ${REDIS_INSTALL_HINT}`);
  const temp = dir ? undefined : await mkdtemp(join(tmpdir(), 'wharf-redis-'));
  const workDir = dir ?? temp;
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const pidFile = join(workDir, 'redis.pid');
  await stopStalePidFile(pidFile, 'redis-server');
  const port = await freePort('127.0.0.1');
  const persistence = dir
    ? ['--save', '60 1', '--appendonly', 'no', '--dbfilename', 'dump.rdb']
    : ['--save', '', '--appendonly', 'no'];
  const log = logFile ?? join(workDir, 'redis.log');
  const url = `redis://127.0.0.1:${port}`;
  /** Runs redis-server on `port` and waits until it answers. */
  const spawnServer = async () => {
    const fd = openSync(log, 'a');
    let started;
    try {
      started = spawnDaemon(
        'redis-server',
        [
          '--bind',
          '127.0.0.1',
          '--port',
          String(port),
          '--protected-mode',
          'yes',
          '--dir',
          workDir,
          '--daemonize',
          'no',
          ...persistence,
        ],
        { stdio: ['ignore', fd, fd] },
      );
    } finally {
      closeSync(fd);
    }
    await writePidFile(pidFile, started.pid);
    const deadline = Date.now() + 30_000;
    while (!(await redisAnswers(url))) {
      if (started.exited || Date.now() > deadline) {
        await stopPid(started.pid);
        throw new Error(`redis-server did not start (see ${log})`);
      }
      await sleep(100);
    }
    return started;
  };
  let daemon = await spawnServer();
  return {
    url,
    get pid() {
      return daemon.pid;
    },
    /** Settles when the current redis-server exits. */
    get exitPromise() {
      return daemon.exitPromise;
    },
    logFile: log,
    /** Starts redis-server again on the same port and data (after it died). */
    async restart() {
      await stopPid(daemon.pid, 'SIGTERM', 30_000);
      daemon = await spawnServer();
    },
    async stop() {
      // SIGTERM: Redis saves a snapshot (when configured) and exits.
      await stopPid(daemon.pid, 'SIGTERM', 30_000);
      await rm(pidFile, { force: true });
      if (temp) await rm(temp, { recursive: true, force: true });
    },
  };
}

/**
 * `configured` (REDIS_URL) must answer if set; otherwise 127.0.0.1:6379 is used when it
 * answers; otherwise a private redis-server is started in `privateDir`.
 * Resolves { url, source: 'configured' | 'local' | 'private', stop() }.
 */
export async function resolveRedis({ configured, privateDir, defaultUrl = 'redis://127.0.0.1:6379' }) {
  if (configured) {
    if (!(await redisAnswers(configured)))
      throw new Error('REDIS_URL is set but no Redis answers there: start it, or unset REDIS_URL');
    return { url: configured, source: 'configured', stop: async () => {} };
  }
  if (await redisAnswers(defaultUrl)) return { url: defaultUrl, source: 'local', stop: async () => {} };
  if (!redisServerOnPath())
    throw new Error(`no Redis answers on 127.0.0.1:6379 and redis-server is not installed: ${REDIS_INSTALL_HINT}`);
  // Not spread: pid and exitPromise follow restarts.
  return Object.assign(await startPrivateRedis({ dir: privateDir }), { source: 'private' });
}
