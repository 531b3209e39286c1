// The peer run of bench/log-stream, in the same run as Wharf's and after it: the same producer
// command on the same sshd host (same key and known_hosts), the same number of lines and of
// viewers (the same viewer code), stored with plain tools (OpenSSH client -> a small Node
// fan-out server -> one psql COPY) into a scratch table of DeploymentLog's shape in the
// bench's own database, and fanned out live over plain socket.io (peer-server.mjs).
// Checked as Wharf is: every line stored once, in order, dense seq; every viewer got every
// line once. Measured: lines/s stored, delivery, latency, CPU-seconds and RSS per process.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killAndWait } from '@wharf/test-hosts';
import { cpuMeter } from '../ssh-fanout/cpu.mjs';
import { CpuLedger } from './proc-cpu.mjs';
import { RssSampler, rssBytes } from './rss-sampler.mjs';
import { everyProducerLineOnceInOrder, storedDense, storedFigures } from './stored-check.mjs';
import {
  allReceived,
  everyViewerGotEveryLineOnce,
  finishViewers,
  latencySummary,
  startViewers,
  viewerRows,
} from './viewer-procs.mjs';

const SERVER = fileURLToPath(new URL('./peer-server.mjs', import.meta.url));
const TABLE = '"PeerDeploymentLog"';
const APP_NAME = 'wharf-bench-log-peer';
const COLUMNS = '("deploymentId", seq, "targetId", stream, at, text)';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mib = (b) => (b === undefined ? null : Math.round((b / 1024 / 1024) * 10) / 10);

/** Resolves with the server's next message of `type` (or of one of `type`; rejects on its error or exit). */
function nextMessage(child, type, timeoutMs, until = () => true) {
  const types = [type].flat();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`peer server: no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m) => {
      if (m.type === 'error') done(new Error(`peer server: ${m.message}`));
      else if (types.includes(m.type) && until(m)) done(null, m);
    };
    const onExit = (code) => done(new Error(`peer server exited with ${code}`));
    const done = (err, m) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Runs the peer. `deploymentId`: Wharf's deployment, whose id (and target) the peer's rows carry
 * so the scratch table keeps DeploymentLog's foreign key. Pushes its own cleanups.
 */
export async function runPeer({ cfg, hosts, stack, db, command, deploymentId, cleanups, log }) {
  const host = hosts.hosts[0];
  const targetId =
    (
      await db.query(
        `select "targetId" from "DeploymentLog" where "deploymentId" = $1 and "targetId" is not null limit 1`,
        [deploymentId],
      )
    ).rows[0]?.targetId ?? '\\N';
  // Same columns, defaults, primary key and foreign key as DeploymentLog.
  await db.query(`create table ${TABLE} (like "DeploymentLog" including all)`);
  cleanups.push(() => db.query(`drop table if exists ${TABLE}`));
  await db.query(
    `alter table ${TABLE} add foreign key ("deploymentId") references "Deployment"(id) on delete cascade on update cascade`,
  );

  const server = fork(SERVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  cleanups.push(() => killAndWait(server.pid, 'SIGTERM', 5000));
  const listening = nextMessage(server, 'listening', 30_000);
  server.send({
    type: 'start',
    ssh: [
      ...['-i', hosts.clientPrivateKeyPath, '-p', String(host.port)],
      ...['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${hosts.knownHostsPath}`],
      ...['-o', 'ConnectTimeout=15', '-o', 'LogLevel=ERROR', `root@${host.address}`, command],
    ],
    psql: ['-X', '-v', 'ON_ERROR_STOP=1', '-d', stack.dbUrl],
    psqlEnv: { PATH: cfg.childPath, PGAPPNAME: APP_NAME },
    copyCommand: `\\copy ${TABLE} ${COLUMNS} from stdin`,
    deploymentId,
    targetId,
    tickMs: cfg.peerTickMs,
  });
  const { port } = await listening;

  // --- the same viewers, on the peer's server; all in its room before the command starts --
  const procs = await startViewers({
    clients: cfg.clients,
    procCount: cfg.clientProcs,
    start: { url: `http://127.0.0.1:${port}`, peer: true },
    onStarted: (p) => cleanups.push(() => killAndWait(p.child.pid, 'SIGTERM', 5000)),
  });
  const subscribed = nextMessage(server, 'subscribers', 60_000, (m) => m.n >= cfg.clients);
  for (const p of procs) p.child.send({ type: 'subscribe', deploymentId: 'peer' });
  await subscribed;
  log(`peer: ${cfg.clients} viewers in the peer's room (port ${port})`);

  // --- measure ---------------------------------------------------------------------------
  await sleep(500);
  const idleServer = rssBytes(server.pid);
  const meter = cpuMeter();
  const ledger = new CpuLedger();
  // Its own connection: the timer's reads must not queue behind the checks' queries on `db`.
  const cpuDb = await stack.db();
  cleanups.push(() => cpuDb.end());
  const backends = async () =>
    (await cpuDb.query(`select pid from pg_stat_activity where application_name = $1`, [APP_NAME])).rows.map(
      (r) => r.pid,
    );
  const trackCpu = async () => {
    ledger.track('server', [server.pid]);
    ledger.track(
      'viewers',
      procs.map((p) => p.child.pid),
    );
    ledger.track('postgres', await backends(), { bornSince: true });
  };
  await trackCpu();
  const cpuTimer = setInterval(() => void trackCpu().catch(() => undefined), 500);
  cleanups.push(() => clearInterval(cpuTimer));

  const pidsMsg = nextMessage(server, 'pids', 30_000);
  // 'done' before 'copied': ssh or psql failed (their exit codes are in it).
  const copied = nextMessage(server, ['copied', 'done'], cfg.deployTimeoutMs);
  const done = nextMessage(server, 'done', cfg.deployTimeoutMs + 60_000);
  done.catch(() => undefined); // awaited below; a failure before then surfaces through `copied`
  server.send({ type: 'go' });
  const pids = await pidsMsg;
  const rss = new RssSampler({ server: server.pid, ssh: pids.ssh, psql: pids.psql }, cfg.rssIntervalMs).start();
  log(`peer: ssh ${pids.ssh} -> fan-out server ${server.pid} -> psql ${pids.psql} (COPY), ${cfg.lines} lines`);
  const progress = setInterval(() => {
    const got = procs.flatMap((p) => p.received);
    log(`peer: viewers ${Math.min(...got)}..${Math.max(...got)}; RSS server ${mib(rssBytes(server.pid))} MiB`);
  }, 5000);
  cleanups.push(() => clearInterval(progress));

  const copy = await copied;
  if (copy.type === 'done')
    throw new Error(`peer: no COPY (ssh ${JSON.stringify(copy.sshExit)}, psql ${JSON.stringify(copy.psqlExit)})`);
  // The COPY backend ends with the psql session: read its CPU before releasing it.
  await trackCpu();
  server.send({ type: 'release' });
  const fin = await done;
  if (fin.sshExit.code !== 0) throw new Error(`peer: ssh exited with ${JSON.stringify(fin.sshExit)}`);
  if (fin.psqlExit.code !== 0) throw new Error(`peer: psql exited with ${JSON.stringify(fin.psqlExit)}`);

  const s = await storedFigures(db, TABLE, deploymentId);
  const deliveryDeadline = Date.now() + cfg.deliveryTimeoutMs;
  while (Date.now() < deliveryDeadline && !allReceived(procs, s.stored.n)) await sleep(250);
  clearInterval(progress);
  rss.stop();
  clearInterval(cpuTimer);
  await trackCpu();
  const seconds = { ...ledger.totals(), ...fin.cpuSeconds };
  const total = round2(Object.values(seconds).reduce((a, b) => a + b, 0));
  const cpu = {
    ...meter(),
    seconds,
    total,
    secondsPerMillionLines: perMillion({ ...seconds, total }, cfg.lines),
  };
  const watched = await finishViewers(procs, s.stored.max);

  const lastDelivery = Math.max(...watched.viewers.map((v) => v.lastProducerAt ?? 0));
  const rssSummary = rss.summary();
  const checks = {
    sshAndPsqlSucceeded: fin.sshExit.code === 0 && fin.psqlExit.code === 0 && copy.rows === fin.lines,
    storedDense: storedDense(s.stored),
    everyProducerLineStoredOnceInOrder: everyProducerLineOnceInOrder(s.producer, cfg.lines),
    everyViewerGotEveryLineOnce: everyViewerGotEveryLineOnce(watched.viewers, s.stored.n),
  };
  return {
    what: 'ssh (OpenSSH) -> node fan-out (plain socket.io) + one psql \\copy into a scratch table shaped as DeploymentLog',
    stored: { rows: s.stored.n, minSeq: s.stored.min, maxSeq: s.stored.max, copyReported: copy.rows },
    producer: { ...s.producer, firstPrintAt: s.firstPrint, lastPrintAt: s.lastPrint },
    printSeconds: s.firstPrint && s.lastPrint ? (s.lastPrint - s.firstPrint) / 1000 : null,
    printLinesPerSecond:
      s.firstPrint && s.lastPrint ? Math.round(cfg.lines / Math.max(0.001, (s.lastPrint - s.firstPrint) / 1000)) : null,
    persistedSeconds: s.firstPrint ? (copy.at - s.firstPrint) / 1000 : null,
    persistedLinesPerSecond: s.firstPrint ? Math.round(cfg.lines / ((copy.at - s.firstPrint) / 1000)) : null,
    deliveredToAllSeconds: s.firstPrint ? (lastDelivery - s.firstPrint) / 1000 : null,
    /** Print -> the server's read of ssh's stdout (the rows' `at`). */
    printToServerMs: s.toTakenIn,
    latencyMs: latencySummary(watched, cfg.lines * cfg.clients),
    /** ms after the last print: ssh's stdout ended, ssh exited, "\." sent to psql, COPY reported. */
    endMs: s.lastPrint
      ? Object.fromEntries(
          ['stdoutEndAt', 'sshExitAt', 'copyEndSentAt', 'copiedAt'].map((k) => [
            k,
            fin[k] ? fin[k] - s.lastPrint : null,
          ]),
        )
      : null,
    tickMs: cfg.peerTickMs,
    messages: fin.messages,
    copyPipePauses: fin.pauses,
    rss: {
      server: { idleMiB: mib(idleServer), ...rssSummary.server },
      ssh: rssSummary.ssh,
      psql: rssSummary.psql,
    },
    cpu,
    viewers: viewerRows(watched.viewers),
    checks,
    pass: Object.values(checks).every(Boolean),
  };
}

const round2 = (x) => Math.round(x * 100) / 100;

/** CPU-seconds scaled to a million lines (0.1 s). */
export const perMillion = (seconds, lines) =>
  Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, Math.round((v * 1e6 * 10) / lines) / 10]));
