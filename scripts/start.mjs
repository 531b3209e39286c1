// `npm start`: runs Wharf from this checkout with zero configuration.
// - PostgreSQL: DATABASE_URL, or an embedded PostgreSQL kept in WHARF_DATA_DIR.
// - Redis: REDIS_URL, or 127.0.0.1:6379, or a private redis-server from PATH.
// - WHARF_SECRET_KEY: configured, or generated once and kept in WHARF_DATA_DIR.
// Then applies migrations and runs the API (and the worker, when built) as children.
// A child, or a PostgreSQL / redis-server started here, that dies is restarted with backoff
// (lib/supervisor.mjs); one that keeps dying right after it starts stops Wharf with its
// last output. Only Ctrl-C / SIGTERM stops Wharf otherwise: the children, then the
// services it started, each by pid.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';
import { childEnv, repoRoot, startSettings } from './lib/env.mjs';
import { failure, note, step } from './lib/log.mjs';
import { portIsFree, waitForHttp } from './lib/net.mjs';
import { runCapture, spawnDaemon, stopPid, stopStalePidFile, writePidFile } from './lib/process.mjs';
import { startEmbeddedPostgres } from './lib/embedded-postgres.mjs';
import { resolveRedis } from './lib/redis.mjs';
import { migrationsUpToDate } from './lib/migrations.mjs';
import { forwardLines, OutputTail } from './lib/output-tail.mjs';
import { Supervisor } from './lib/supervisor.mjs';

const DEFAULT_ADMIN_EMAIL = 'admin@wharf.local';
const API_ENTRY = join(repoRoot, 'apps/api/dist/main.js');
const WORKER_ENTRY = join(repoRoot, 'apps/api/dist/worker.js');
const PRISMA_BIN = join(repoRoot, 'node_modules/.bin/prisma');
const MIGRATIONS_DIR = join(repoRoot, 'prisma/migrations');

const startedAt = Date.now();
const settings = startSettings();
const dataDir = settings.dataDir;
const runDir = join(dataDir, 'run');
const logDir = join(dataDir, 'logs');
const shown = (p) => (p.startsWith(repoRoot) ? relative(repoRoot, p) : p);

/** Everything started so far, stopped in reverse order. */
const cleanups = [];
/** Supervised processes in start order (PostgreSQL, Redis, API, worker); stopped in reverse. */
const supervised = [];
let stopping = false;

async function stopAll() {
  for (const s of supervised.splice(0).reverse()) {
    if (s.name === 'worker' && s.current)
      note('waiting for the worker to finish running deployments (Ctrl-C again to force)');
    await s.stop().catch(() => {});
  }
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
}

async function shutdown(code, reason) {
  if (stopping) return;
  stopping = true;
  if (reason) process.stdout.write(`\n==> ${reason}\n`);
  await stopAll();
  if (reason) process.stdout.write('==> stopped\n');
  process.exit(code);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (!stopping) return void shutdown(0, `${sig}: stopping Wharf`);
    // A second signal: do not wait for the API and the worker any longer.
    for (const s of supervised) if (s.name === 'api' || s.name === 'worker') s.kill();
  });
}

/** A process that cannot be kept running stops Wharf, with its last output as the reason. */
function giveUp(reason, lastLines) {
  if (stopping) return;
  process.stderr.write(`\n==> ${reason}\n`);
  if (lastLines.length) {
    process.stderr.write('    its last output:\n');
    for (const line of lastLines) process.stderr.write(`      ${line}\n`);
  }
  void shutdown(1, 'stopping Wharf');
}

const restartNote = (message) => {
  if (!stopping) step(message);
};

/** The last lines of a service's log file. */
async function logTail(file, count = 20) {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-count);
  } catch {
    return [];
  }
}

/** Registers a started supervisor; one that started while Wharf was stopping is stopped. */
async function track(supervisor) {
  await supervisor.start();
  supervised.push(supervisor);
  if (stopping) {
    await supervisor.stop();
    throw new Error('stopping');
  }
  return supervisor;
}

/** Supervises a service this script started (it has restart() and exitPromise). */
function superviseService(name, server) {
  let first = true;
  return track(
    new Supervisor({
      name,
      say: restartNote,
      onGiveUp: giveUp,
      lastLines: () => logTail(server.logFile),
      start: async () => {
        // The first run is already up; later ones start it again on the same port.
        if (!first) await server.restart();
        first = false;
        return { pid: server.pid, exitPromise: server.exitPromise, stop: () => server.stop() };
      },
    }),
  );
}

/** Runs `entry` under supervision, its output passed through line by line. */
function superviseChild(name, entry, env, graceMs) {
  if (stopping) throw new Error('stopping');
  const tail = new OutputTail(20);
  const pidFile = join(runDir, `${name}.pid`);
  const supervisor = new Supervisor({
    name,
    say: restartNote,
    onGiveUp: giveUp,
    lastLines: () => tail.last(),
    start: async () => {
      tail.clear(); // the last run's output explains a give-up best
      const daemon = spawnDaemon(process.execPath, [entry], { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      forwardLines(daemon.child.stdout, (l) => process.stdout.write(l), tail);
      forwardLines(daemon.child.stderr, (l) => process.stderr.write(l), tail);
      return {
        pid: daemon.pid,
        exitPromise: daemon.exitPromise,
        stop: async () => {
          await stopPid(daemon.pid, 'SIGTERM', graceMs);
          await rm(pidFile, { force: true });
        },
      };
    },
    onStarted: (run) => writePidFile(pidFile, run.pid),
  });
  return track(supervisor);
}

async function secretKey() {
  if (settings.secretKey) return settings.secretKey;
  const file = join(dataDir, 'secret-key');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const key = randomBytes(32).toString('base64');
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  note(`generated WHARF_SECRET_KEY, kept in ${shown(file)} (back it up: it encrypts stored credentials)`);
  return key;
}

async function main() {
  if (!existsSync(API_ENTRY))
    throw new Error(`${shown(API_ENTRY)} is missing: run 'npm start' (it builds first) or 'pnpm build'`);
  await mkdir(dataDir, { recursive: true, mode: 0o711 });
  await chmod(dataDir, 0o711); // the postgres user must be able to reach the cluster inside
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  await mkdir(logDir, { recursive: true, mode: 0o700 });

  // Processes a killed earlier run left behind (never anything else: pid + command check).
  await stopStalePidFile(join(runDir, 'worker.pid'), WORKER_ENTRY);
  await stopStalePidFile(join(runDir, 'api.pid'), API_ENTRY);

  const checkHost = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
  if (!(await portIsFree(settings.host, settings.port))) {
    throw new Error(
      `port ${settings.port} on ${settings.host} is already in use (another Wharf?): stop it or set WHARF_PORT`,
    );
  }

  let databaseUrl = settings.databaseUrl;
  if (databaseUrl) {
    step('PostgreSQL: using DATABASE_URL');
  } else {
    step(`PostgreSQL: starting the embedded server (data in ${shown(join(dataDir, 'postgres'))})`);
    const pg = await startEmbeddedPostgres({
      clusterDir: join(dataDir, 'postgres'),
      passwordFile: join(dataDir, 'postgres-password'),
      logFile: join(logDir, 'postgres.log'),
    });
    await superviseService('PostgreSQL', pg);
    if (pg.clusterDir !== join(dataDir, 'postgres'))
      note(`the postgres user cannot reach ${shown(dataDir)}, so the cluster is in ${pg.clusterDir}`);
    await pg.ensureDatabase('wharf');
    databaseUrl = pg.urlFor('wharf');
    note(`listening on 127.0.0.1:${pg.port} (pid ${pg.pid})`);
  }

  const redis = await resolveRedis({ configured: settings.redisUrl, privateDir: join(dataDir, 'redis') });
  if (redis.source === 'private') await superviseService('Redis', redis);
  else cleanups.push(() => redis.stop());
  const redisNote = {
    configured: 'using REDIS_URL',
    local: 'using the server on 127.0.0.1:6379',
    private: `started redis-server on ${redis.url} (pid ${redis.pid})`,
  };
  step(`Redis: ${redisNote[redis.source]}`);

  const env = childEnv({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    WHARF_DATA_DIR: dataDir,
    WHARF_SECRET_KEY: await secretKey(),
    WHARF_HOST: settings.host,
    WHARF_PORT: String(settings.port),
  });

  if (await migrationsUpToDate(databaseUrl, MIGRATIONS_DIR)) {
    step('database schema is up to date');
  } else {
    step('applying database migrations (prisma migrate deploy)');
    const migrate = await runCapture(PRISMA_BIN, ['migrate', 'deploy'], { env, cwd: repoRoot });
    if (migrate.code !== 0) {
      process.stderr.write(migrate.output.split('\n').slice(-30).join('\n'));
      throw new Error('prisma migrate deploy failed (output above)');
    }
  }

  const passwordFile = join(dataDir, 'initial-admin-password');
  const hadPasswordFile = existsSync(passwordFile);

  step('starting the API');
  const api = await superviseChild('api', API_ENTRY, env, 15_000);
  if (existsSync(WORKER_ENTRY)) {
    step('starting the worker');
    await superviseChild('worker', WORKER_ENTRY, env, (settings.workerGraceSeconds + 15) * 1000);
  }

  const url = `http://${checkHost.includes(':') ? `[${checkHost}]` : checkHost}:${settings.port}`;
  // The API's WHARF_PUBLIC_URL defaults to this same address; browsers must use the public one.
  const publicUrl = settings.publicUrl?.replace(/\/+$/, '') ?? url;
  // A crashed API is restarted meanwhile; only giving up on it ends the wait.
  await waitForHttp(`${url}/api/health`, { isDead: () => api.gaveUp });

  const email = settings.adminEmail ?? DEFAULT_ADMIN_EMAIL;
  let login;
  if (hadPasswordFile) login = `${email}, password in ${shown(passwordFile)} (unless changed)`;
  else if (existsSync(passwordFile)) login = `${email}, password printed above and kept in ${shown(passwordFile)}`;
  else if (settings.adminPasswordSet) login = `${email}, password from WHARF_ADMIN_PASSWORD (unless changed)`;
  else login = 'your existing administrator account';
  process.stdout.write(
    `\n  Wharf is running at ${publicUrl}   (ready in ${((Date.now() - startedAt) / 1000).toFixed(0)} s)\n  Sign in as ${login}\n  Data: ${shown(dataDir)}   Stop: Ctrl-C\n\n`,
  );

  // From here the supervisors keep everything running until Ctrl-C / SIGTERM.
}

main().catch(async (err) => {
  // Already stopping (a signal, or a process given up on): shutdown() finishes and exits.
  if (stopping) return;
  failure('npm start failed', err);
  stopping = true;
  await stopAll();
  process.exit(1);
});
