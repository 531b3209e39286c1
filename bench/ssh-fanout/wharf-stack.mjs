// A private Wharf for one benchmark: a fresh Postgres database (real migrations), a private
// Redis key prefix, and the built API and worker (apps/api/dist) as two child processes, so
// each can be measured on its own. stop() undoes all of it: children by pid, database,
// Redis keys, data dir.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, killAndWait } from '@wharf/test-hosts';
import { Redis } from 'ioredis';
import pg from 'pg';
import { REPO_ROOT } from './config.mjs';

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const ADMIN = { email: 'bench-admin@bench.local', password: `bench-${randomBytes(12).toString('hex')}` };
const API_MAIN = join(REPO_ROOT, 'apps/api/dist/main.js');
const WORKER_MAIN = join(REPO_ROOT, 'apps/api/dist/worker.js');

export function checkBuilt() {
  const missing = [API_MAIN, WORKER_MAIN].filter((p) => !existsSync(p));
  if (missing.length) {
    throw new Error(
      `${missing.join(', ')} missing: build first with "pnpm turbo run build --filter=@wharf/api..." (from the repo root)`,
    );
  }
}

async function withAdmin(pgAdminUrl, fn) {
  const c = new pg.Client({ connectionString: pgAdminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Resolves once `file` contains `needle`; rejects if `isDead()` or after timeoutMs. */
async function waitForLog(file, needle, timeoutMs, isDead) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.includes(needle)) return;
    if (isDead()) throw new Error(`process exited before logging "${needle}"; see ${file}:\n${text.slice(-2000)}`);
    await sleep(100);
  }
  throw new Error(`no "${needle}" in ${file} after ${timeoutMs} ms`);
}

/**
 * Starts the stack. `workDir` must exist and be private to this run (logs and data go there).
 * `extraEnv` adds Wharf settings (e.g. WHARF_LOG_MAX_MB); `nodeArgs` go before the entry point of
 * both processes (e.g. a measuring `--import`). `ownSessions`: each process in a session of its
 * own, as `npm start` starts them (detached); on Linux with autogroup scheduling that decides
 * how the two share the CPU with each other and with Postgres.
 */
export async function startWharfStack(
  cfg,
  workDir,
  { extraEnv = {}, nodeArgs = [], ownSessions = false, log = () => {} } = {},
) {
  checkBuilt();
  const id = randomBytes(5).toString('hex');
  const dbName = `wharf_bench_${id}`;
  const prefix = `wharf-bench-${id}`;
  const dataDir = join(workDir, 'wharf-data');
  await mkdir(dataDir, { recursive: true });
  const dbUrl = cfg.pgAdminUrl.replace(/\/[^/]*$/, `/${dbName}`);
  const children = [];
  let dbCreated = false;

  const stop = async () => {
    for (const c of children.reverse()) {
      if (c.pid) await killAndWait(c.pid, 'SIGTERM', 15_000);
    }
    if (dbCreated) {
      await withAdmin(cfg.pgAdminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)).catch((e) =>
        log(`could not drop ${dbName}: ${e.message}`),
      );
    }
    const redis = new Redis(cfg.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    try {
      await redis.connect();
      for (let cursor = '0', rounds = 0; rounds < 10_000; rounds++) {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
        if (cursor === '0') break;
      }
    } catch (e) {
      log(`could not clean Redis prefix ${prefix}: ${e.message}`);
    } finally {
      redis.disconnect();
    }
  };

  try {
    await withAdmin(cfg.pgAdminUrl, (c) => c.query(`CREATE DATABASE "${dbName}"`));
    dbCreated = true;
    log(`database ${dbName}: migrating`);
    await run('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], {
      cwd: REPO_ROOT,
      env: { PATH: cfg.childPath, HOME: process.env.HOME ?? '/root', DATABASE_URL: dbUrl },
      timeout: 180_000,
    });

    const port = await freePort('127.0.0.1');
    const env = {
      PATH: cfg.childPath,
      HOME: process.env.HOME ?? '/root',
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl,
      REDIS_URL: cfg.redisUrl,
      WHARF_REDIS_PREFIX: prefix,
      WHARF_DATA_DIR: dataDir,
      WHARF_SECRET_KEY: randomBytes(32).toString('base64'),
      WHARF_ADMIN_EMAIL: ADMIN.email,
      WHARF_ADMIN_PASSWORD: ADMIN.password,
      WHARF_HOST: '127.0.0.1',
      WHARF_PORT: String(port),
      WHARF_LOG_LEVEL: 'info',
      ...extraEnv,
    };
    const startChild = (name, main, ready) => {
      const logFile = join(workDir, `${name}.log`);
      const out = createWriteStream(logFile);
      const prof = cfg.cpuProfile
        ? ['--cpu-prof', `--cpu-prof-dir=${join(workDir, 'profiles')}`, `--cpu-prof-name=${name}.cpuprofile`]
        : [];
      const child = spawn(process.execPath, [...prof, ...nodeArgs, main], {
        cwd: join(REPO_ROOT, 'apps/api'),
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: ownSessions,
      });
      child.stdout.pipe(out);
      child.stderr.pipe(out);
      let dead = false;
      child.once('exit', () => (dead = true));
      if (ownSessions) {
        // Outside the benchmark's process group, Ctrl-C does not reach it: however the
        // benchmark ends (even before stop() exists for its caller), the child goes too.
        const killOnExit = () => child.kill('SIGTERM');
        process.once('exit', killOnExit);
        child.once('exit', () => process.off('exit', killOnExit));
      }
      children.push(child);
      // Generous: on a loaded 2-core machine a cold Nest boot has taken over a minute.
      return { child, logFile, ready: waitForLog(logFile, ready, 240_000, () => dead) };
    };
    const api = startChild('api', API_MAIN, 'wharf api listening');
    const worker = startChild('worker', WORKER_MAIN, 'wharf worker started');
    await Promise.all([api.ready, worker.ready]);
    const url = `http://127.0.0.1:${port}`;
    log(`API pid ${api.child.pid} at ${url}, worker pid ${worker.child.pid}; logs in ${workDir}`);
    return {
      url,
      dbName,
      dbUrl,
      prefix,
      dataDir,
      apiPid: api.child.pid,
      workerPid: worker.child.pid,
      apiLog: api.logFile,
      workerLog: worker.logFile,
      /** A pg client on the benchmark database (caller ends it). */
      async db() {
        const c = new pg.Client({ connectionString: dbUrl });
        await c.connect();
        return c;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
