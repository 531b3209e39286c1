// Starts the peer (peer-server.mjs + peer-worker.mjs) as two child processes beside a Wharf
// stack: its tables live in the stack's benchmark database and its jobs under the stack's
// Redis prefix, so the stack's stop() removes them with everything else.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { freePort, killAndWait } from '@wharf/test-hosts';

const HERE = new URL('.', import.meta.url).pathname;

const SCHEMA = `
  CREATE TABLE peer_project (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), slug text UNIQUE NOT NULL,
                             token_hash text NOT NULL);
  CREATE TABLE peer_delivery (id uuid PRIMARY KEY, project_id uuid NOT NULL REFERENCES peer_project(id),
                              idempotency_key text NOT NULL, event text NOT NULL, ref text, sha text,
                              details jsonb NOT NULL, outcome text NOT NULL DEFAULT 'pending',
                              received_at timestamptz NOT NULL DEFAULT now(), processed_at timestamptz,
                              UNIQUE (project_id, idempotency_key));`;

function startChild(name, script, env, ready, workDir, nodeArgs) {
  const out = createWriteStream(join(workDir, `${name}.log`));
  // A session of its own, as Wharf's processes get (see run.mjs).
  const child = spawn(process.execPath, [...nodeArgs, join(HERE, script)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Outside the benchmark's process group, Ctrl-C does not reach it: it ends with the benchmark.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  child.stderr.pipe(out);
  const started = new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (b) => {
      out.write(b);
      seen += b.toString();
      if (seen.includes(ready)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before "${ready}"; see ${name}.log`)));
  });
  return { child, started };
}

/**
 * `slugs`: the projects; `nodeArgs` and `extraEnv` as for the Wharf stack. Returns the peer's URL
 * prefix, pids, each slug's token, and stop().
 */
export async function startPeer(stack, slugs, { redisUrl, maxBodyBytes, workDir, nodeArgs = [], extraEnv = {} }) {
  const db = await stack.db();
  const tokens = new Map();
  try {
    await db.query(SCHEMA);
    for (const slug of slugs) {
      const token = `peer_${randomBytes(20).toString('hex')}`;
      const hash = createHash('sha256').update(token).digest('hex');
      await db.query('INSERT INTO peer_project (slug, token_hash) VALUES ($1, $2)', [slug, hash]);
      tokens.set(slug, token);
    }
  } finally {
    await db.end();
  }
  const port = await freePort('127.0.0.1');
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: stack.dbUrl,
    REDIS_URL: redisUrl,
    PEER_REDIS_PREFIX: `${stack.prefix}:peer`,
    PEER_PORT: String(port),
    PEER_MAX_BODY_BYTES: String(maxBodyBytes),
    ...extraEnv,
  };
  const server = startChild('peer-server', 'peer-server.mjs', env, 'peer listening', workDir, nodeArgs);
  const worker = startChild('peer-worker', 'peer-worker.mjs', env, 'peer worker started', workDir, nodeArgs);
  const stop = async () => {
    for (const c of [server.child, worker.child]) if (c.pid) await killAndWait(c.pid, 'SIGTERM', 15_000);
  };
  try {
    await Promise.all([server.started, worker.started]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    hookPath: (slug) => `/hooks/${slug}`,
    serverPid: server.child.pid,
    workerPid: worker.child.pid,
    tokens,
    stop,
  };
}
