// `npm start`: runs Wharf from this checkout with zero configuration.
// - PostgreSQL: DATABASE_URL, or an embedded PostgreSQL kept in WHARF_DATA_DIR.
// - Redis: REDIS_URL, or 127.0.0.1:6379, or a private redis-server from PATH.
// - WHARF_SECRET_KEY: configured, or generated once and kept in WHARF_DATA_DIR.
// Then applies migrations and runs the API (and the worker, when built) as children.
// Ctrl-C / SIGTERM stops the children, then the services it started, each by pid.
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
const children = [];
let stopping = false;

async function stopAll() {
  for (const child of children.slice().reverse()) {
    if (child.name === 'worker' && !child.daemon.exited)
      note('waiting for the worker to finish running deployments (Ctrl-C again to force)');
    await stopPid(child.pid, 'SIGTERM', child.graceMs);
    await rm(child.pidFile, { force: true });
    children.splice(children.indexOf(child), 1);
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
    // A second signal: do not wait for the children any longer.
    for (const child of children) {
      try {
        if (!child.daemon.exited) process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
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

function startChild(name, entry, env, graceMs) {
  const daemon = spawnDaemon(process.execPath, [entry], { env, cwd: repoRoot });
  const record = { name, pid: daemon.pid, pidFile: join(runDir, `${name}.pid`), daemon, graceMs };
  children.push(record);
  return record;
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
    cleanups.push(() => pg.stop());
    if (pg.clusterDir !== join(dataDir, 'postgres'))
      note(`the postgres user cannot reach ${shown(dataDir)}, so the cluster is in ${pg.clusterDir}`);
    await pg.ensureDatabase('wharf');
    databaseUrl = pg.urlFor('wharf');
    note(`listening on 127.0.0.1:${pg.port} (pid ${pg.pid})`);
  }

  const redis = await resolveRedis({ configured: settings.redisUrl, privateDir: join(dataDir, 'redis') });
  cleanups.push(() => redis.stop());
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
  const api = startChild('api', API_ENTRY, env, 15_000);
  await writePidFile(api.pidFile, api.pid);
  let worker;
  if (existsSync(WORKER_ENTRY)) {
    step('starting the worker');
    worker = startChild('worker', WORKER_ENTRY, env, (settings.workerGraceSeconds + 15) * 1000);
    await writePidFile(worker.pidFile, worker.pid);
  }

  const url = `http://${checkHost}:${settings.port}`;
  await waitForHttp(`${url}/api/health`, { isDead: () => api.daemon.exited });

  const email = settings.adminEmail ?? DEFAULT_ADMIN_EMAIL;
  let login;
  if (hadPasswordFile) login = `${email}, password in ${shown(passwordFile)} (unless changed)`;
  else if (existsSync(passwordFile)) login = `${email}, password printed above and kept in ${shown(passwordFile)}`;
  else if (settings.adminPasswordSet) login = `${email}, password from WHARF_ADMIN_PASSWORD (unless changed)`;
  else login = 'your existing administrator account';
  process.stdout.write(
    `\n  Wharf is running at ${url}   (ready in ${((Date.now() - startedAt) / 1000).toFixed(0)} s)\n  Sign in as ${login}\n  Data: ${shown(dataDir)}   Stop: Ctrl-C\n\n`,
  );

  // A child that dies takes the whole run down: a half-running Wharf helps nobody.
  const exited = await Promise.race(
    [api, worker].filter(Boolean).map((c) => c.daemon.exitPromise.then((info) => ({ c, info }))),
  );
  if (!stopping) {
    const how = exited.info.signal ? `signal ${exited.info.signal}` : `code ${exited.info.code}`;
    await shutdown(1, `the ${exited.c.name} exited (${how}): stopping Wharf`);
  }
}

main().catch(async (err) => {
  failure('npm start failed', err);
  if (!stopping) {
    stopping = true;
    await stopAll();
  }
  process.exit(1);
});
