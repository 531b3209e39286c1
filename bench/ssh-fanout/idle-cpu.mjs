// Wharf's own CPU while idle: starts the private stack (wharf-stack.mjs), lets it settle, then
// reads the API's, the worker's and their Postgres backends' utime+stime over BENCH_IDLE_S
// seconds (default 60). Run: node bench/ssh-fanout/idle-cpu.mjs (BENCH_CPU_PROFILE=1: profiles kept).
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownCpu } from './cpu-accounting.mjs';
import { loadStackConfig } from './config.mjs';
import { startWharfStack } from './wharf-stack.mjs';

const seconds = Number(process.env.BENCH_IDLE_S || 60);
const cfg = loadStackConfig();
const work = await mkdtemp(join(cfg.tmpRoot ?? tmpdir(), 'wharf-idle-'));
const stack = await startWharfStack(cfg, work, { log: (m) => process.stderr.write(`${m}\n`) });
const db = await stack.db();
try {
  const backends = async () =>
    (
      await db.query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')
    ).rows.map((r) => r.pid);
  await new Promise((r) => setTimeout(r, 10_000)); // boot work settles
  const commits = async () =>
    Number(
      (await db.query('select xact_commit from pg_stat_database where datname = current_database()')).rows[0]
        .xact_commit,
    );
  const commits0 = await commits();
  const pg0 = await backends();
  const pgBefore = new Map(pg0.map((p) => [p, ownCpu([p])]));
  const before = { api: ownCpu([stack.apiPid]), worker: ownCpu([stack.workerPid]) };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const pg1 = await backends();
  const r3 = (x) => Math.round(x * 1000) / 1000;
  // Backends present at both ends count their growth; one born meanwhile counts from zero.
  const pgDelta = pg1.reduce((a, p) => a + ownCpu([p]) - (pgBefore.get(p) ?? 0), 0);
  const out = {
    seconds,
    apiCpuS: r3(ownCpu([stack.apiPid]) - before.api),
    workerCpuS: r3(ownCpu([stack.workerPid]) - before.worker),
    pgBackendsCpuS: r3(pgDelta),
    pgBackends: pg1.length,
    // Statements outside a transaction commit one each: about how many queries Wharf sent.
    pgCommits: (await commits()) - commits0 - 2,
    load1: loadavg()[0],
  };
  console.log(JSON.stringify(out));
} finally {
  await db.end();
  await stack.stop();
  if (cfg.keepLogs) process.stderr.write(`logs and profiles kept in ${work}\n`);
  else await rm(work, { recursive: true, force: true });
}
