#!/usr/bin/env node
// Live log benchmark: a real deployment (API + worker as child processes, one sshd+pm2 host)
// whose post-command prints BENCH_LINES lines, each carrying its print time, while
// BENCH_CLIENTS socket.io viewers watch it live on /live. Checks that every line is stored
// once with a dense seq and reaches every viewer exactly once; reports lines/s stored,
// print-to-viewer latency and the API's and worker's peak RSS. Then (BENCH_PEER=0: not) the
// peer, the same work with plain tools (peer.mjs), and Wharf/peer ratios. See bench/README.md.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSampleTarball, killAndWait, startSshHosts } from '@wharf/test-hosts';
import { Redis } from 'ioredis';
import { cpuMeter } from '../ssh-fanout/cpu.mjs';
import { pushTarball, setupProject, waitFinished, WharfClient } from '../ssh-fanout/wharf-client.mjs';
import { ADMIN, startWharfStack } from '../ssh-fanout/wharf-stack.mjs';
import { loadConfig } from './config.mjs';
import { CpuLedger } from './proc-cpu.mjs';
import { producerCommand } from './producer.mjs';
import { memProbeEnv, memProbeSummary } from './mem-probe-summary.mjs';
import { perMillion, runPeer } from './peer.mjs';
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

const log = (line) => console.error(`log-stream: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const cfg = loadConfig();
  const tmp = await mkdtemp(join(cfg.tmpRoot ?? tmpdir(), 'wharf-bench-logs-'));
  const cleanups = [
    async () => (cfg.keepLogs ? log(`logs kept in ${tmp}`) : rm(tmp, { recursive: true, force: true })),
  ];
  let cleaning = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (err) {
          log(`cleanup: ${err.message}`);
        }
      }
    })());
  const onSignal = () => {
    log('interrupted, cleaning up');
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const hosts = await startSshHosts({ count: 1, baseAddress: cfg.hostAddress });
    cleanups.push(() => hosts.stop());
    // Room for every line (about 22 bytes each) so the cap never truncates what we measure.
    const logMaxMb = Math.ceil((cfg.lines * 40) / 1e6) + 64;
    const stack = await startWharfStack(cfg, join(tmp, 'wharf'), {
      extraEnv: { WHARF_LOG_MAX_MB: String(logMaxMb), ...(cfg.memProbe ? await memProbeEnv(tmp) : {}) },
      log,
    });
    cleanups.push(() => stack.stop());
    const admin = new WharfClient(stack.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const command = producerCommand(cfg.lines, cfg.rate);
    const project = await setupProject(admin, {
      slug: 'logs',
      hosts,
      settings: { postCommand: command, batchSize: 1, health: { intervalMs: 500, timeoutMs: 5000, attempts: 30 } },
    });
    const version = `logs-${Date.now().toString(36)}`;
    await pushTarball(
      stack.url,
      project,
      version,
      await buildSampleTarball({ version, outDir: join(tmp, 'tarballs') }),
    );
    const db = await stack.db();
    cleanups.push(() => db.end());

    // --- viewers: signed in, connected, before the deployment exists --------------------
    const procs = await startViewers({
      clients: cfg.clients,
      procCount: cfg.clientProcs,
      profileDir: cfg.cpuProfile ? join(tmp, 'wharf', 'profiles') : undefined,
      start: { url: stack.url, email: ADMIN.email, password: ADMIN.password },
      onStarted: (p) => cleanups.push(() => killAndWait(p.child.pid, 'SIGTERM', 5000)),
    });
    log(`${cfg.clients} viewers signed in and connected to /live (${cfg.clientProcs} processes)`);

    // --- measure ------------------------------------------------------------------------
    const rss = new RssSampler({ api: stack.apiPid, worker: stack.workerPid }, cfg.rssIntervalMs).start();
    await sleep(1000);
    const idle = { api: rssBytes(stack.apiPid), worker: rssBytes(stack.workerPid) };
    const meter = cpuMeter();
    // CPU-seconds per process (load-robust, unlike wall time): API, worker, the viewers, the
    // Postgres backends of this database, and redis-server (shared with other users).
    const ledger = new CpuLedger();
    const cpuDb = await stack.db();
    cleanups.push(() => cpuDb.end());
    const redisInfo = new Redis(cfg.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redisInfo.connect();
    const redisPid = Number(/process_id:(\d+)/.exec(await redisInfo.info('server'))?.[1]);
    redisInfo.disconnect();
    // Not the bench's own two connections (this one, and the poller's).
    const pollerPid = (await db.query('select pg_backend_pid() as pid')).rows[0].pid;
    const pgBackends = async () =>
      (
        await cpuDb.query(
          `select pid from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and pid <> $1`,
          [pollerPid],
        )
      ).rows.map((r) => r.pid);
    const trackCpu = async (bornSince) => {
      ledger.track('api', [stack.apiPid]);
      ledger.track('worker', [stack.workerPid]);
      ledger.track(
        'viewers',
        procs.map((p) => p.child.pid),
      );
      if (redisPid) ledger.track('redisShared', [redisPid]);
      ledger.track('postgres', await pgBackends(), { bornSince });
    };
    await trackCpu(false);
    const cpuTimer = setInterval(() => void trackCpu(true).catch(() => undefined), 500);
    cleanups.push(() => clearInterval(cpuTimer));
    const dbSamples = [];
    let deploymentId = null;
    let polling = true;
    // Bounded by `polling` and by the two timeouts; stopped by cleanup on any failure too.
    const pollUntil = Date.now() + cfg.deployTimeoutMs + cfg.deliveryTimeoutMs + 60_000;
    cleanups.push(() => (polling = false));
    // CPU-seconds when the post-command began (its system line is stored): what the deployment
    // spent before the log (upload, release, pm2, health check), for the peer comparison.
    let atCommand = null;
    const poller = (async () => {
      const q = `select coalesce(max(seq), 0)::int as max from "DeploymentLog" where "deploymentId" = $1`;
      const commandLine = `select 1 from "DeploymentLog" where "deploymentId" = $1 and stream = 'system'
                              and text like 'post-command: running%' limit 1`;
      while (polling && Date.now() < pollUntil) {
        if (deploymentId) dbSamples.push([Date.now(), (await db.query(q, [deploymentId])).rows[0].max]);
        if (deploymentId && !atCommand && (await db.query(commandLine, [deploymentId])).rowCount > 0) {
          ledger.refresh();
          atCommand = ledger.totals();
        }
        await sleep(100);
      }
    })().catch((err) => {
      if (polling) log(`Postgres poll stopped: ${err.message}`);
    });
    const requestedAt = Date.now();
    const d = await admin.ok('POST', `/api/v1/projects/${project.slug}/deployments`, {
      environmentId: project.envId,
      version,
    });
    deploymentId = d.id;
    for (const p of procs) p.child.send({ type: 'subscribe', deploymentId });
    log(
      `deployment ${deploymentId}: ${cfg.lines} lines${cfg.rate ? ` at ${cfg.rate}/s` : ' as fast as the host prints'}, ${cfg.clients} viewers`,
    );
    const progress = setInterval(() => {
      const got = procs.flatMap((p) => p.received);
      const stored = dbSamples.at(-1)?.[1] ?? 0;
      log(
        `stored ${stored}, viewers ${Math.min(...got)}..${Math.max(...got)}; RSS api ${mib(rssBytes(stack.apiPid))} MiB, worker ${mib(rssBytes(stack.workerPid))} MiB`,
      );
    }, 5000);
    cleanups.push(() => clearInterval(progress));

    const done = await waitFinished(admin, project.slug, deploymentId, { pollMs: 500, timeoutMs: cfg.deployTimeoutMs });
    const finishedSeenAt = Date.now();
    if (done.state !== 'succeeded') throw new Error(`deployment ${done.state}: ${done.error ?? ''}`);

    const {
      stored,
      producer,
      toTakenIn: toWorker,
      firstPrint,
      lastPrint,
    } = await storedFigures(db, '"DeploymentLog"', deploymentId);
    stored.truncated = (
      await db.query(`select "logTruncated" as t from "Deployment" where id = $1`, [deploymentId])
    ).rows[0].t;

    // --- wait for every viewer to have every stored line (bounded) ------------------------
    const deliveryDeadline = Date.now() + cfg.deliveryTimeoutMs;
    while (Date.now() < deliveryDeadline && !allReceived(procs, stored.n)) await sleep(250);
    polling = false;
    await poller;
    clearInterval(progress);
    rss.stop();
    clearInterval(cpuTimer);
    await trackCpu(true);
    const cpuSeconds = ledger.totals();
    const cpuTotal = Math.round(Object.values(cpuSeconds).reduce((a, b) => a + b, 0) * 100) / 100;
    const fromCommand = atCommand && sinceSnapshot(cpuSeconds, atCommand);
    const cpu = {
      ...meter(),
      seconds: cpuSeconds,
      total: cpuTotal,
      /** From the post-command's start on (the log's part of the deployment), ~0.1 s granularity. */
      fromCommand,
      secondsPerMillionLines: perMillion({ ...cpuSeconds, total: cpuTotal }, cfg.lines),
    };
    const watched = await finishViewers(procs, stored.max);
    const { viewers } = watched;

    // --- numbers --------------------------------------------------------------------------
    const persistedAt = dbSamples.find(([, max]) => max >= (producer.last_seq ?? Infinity))?.[0] ?? null;
    const lastDelivery = Math.max(...viewers.map((v) => v.lastProducerAt ?? 0));
    const rssSummary = rss.summary();
    const memory = cfg.memProbe
      ? {
          api: await memProbeSummary(tmp, stack.apiPid, requestedAt),
          worker: await memProbeSummary(tmp, stack.workerPid, requestedAt),
        }
      : undefined;
    const checks = {
      deploymentSucceeded: done.state === 'succeeded',
      storedDense: storedDense(stored),
      notTruncated: stored.truncated === false,
      everyProducerLineStoredOnceInOrder: everyProducerLineOnceInOrder(producer, cfg.lines),
      everyViewerGotEveryLineOnce: everyViewerGotEveryLineOnce(viewers, stored.n),
    };
    const result = {
      at: new Date().toISOString(),
      lines: cfg.lines,
      clients: cfg.clients,
      rateLimit: cfg.rate || null,
      deploymentId,
      deploymentSeconds: (finishedSeenAt - requestedAt) / 1000,
      stored: { rows: stored.n, minSeq: stored.min, maxSeq: stored.max, truncated: stored.truncated },
      producer: { ...producer, firstPrintAt: firstPrint, lastPrintAt: lastPrint },
      printSeconds: firstPrint && lastPrint ? (lastPrint - firstPrint) / 1000 : null,
      printLinesPerSecond:
        firstPrint && lastPrint ? Math.round(cfg.lines / Math.max(0.001, (lastPrint - firstPrint) / 1000)) : null,
      persistedSeconds: persistedAt && firstPrint ? (persistedAt - firstPrint) / 1000 : null,
      persistedLinesPerSecond:
        persistedAt && firstPrint ? Math.round(cfg.lines / ((persistedAt - firstPrint) / 1000)) : null,
      deliveredToAllSeconds: firstPrint ? (lastDelivery - firstPrint) / 1000 : null,
      /** Print -> the worker's write() (DeploymentLog.at): the part of the latency before the worker. */
      printToWorkerMs: toWorker,
      latencyMs: latencySummary(watched, cfg.lines * cfg.clients),
      rss: {
        api: { idleMiB: mib(idle.api), ...rssSummary.api },
        worker: { idleMiB: mib(idle.worker), ...rssSummary.worker },
      },
      cpu,
      memory,
      viewers: viewerRows(viewers),
      checks,
      pass: Object.values(checks).every(Boolean),
    };

    // --- the peer: the same work with plain tools, same host, command, lines, viewers --------
    if (cfg.peer) {
      log('peer: the same command over OpenSSH, psql COPY, plain socket.io');
      result.peer = await runPeer({ cfg, hosts, stack, db, command, deploymentId, cleanups, log });
      result.ratios = wharfOverPeer(cfg, result, result.peer);
      result.pass = result.pass && result.peer.pass;
    }
    await mkdir(dirname(cfg.resultFile), { recursive: true });
    await writeFile(cfg.resultFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(render(cfg, result));
    return result.pass ? 0 : 3;
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Per-group seconds after a snapshot of the same ledger, with their total. */
function sinceSnapshot(now, then) {
  const out = {};
  for (const [k, v] of Object.entries(now)) out[k] = Math.round((v - (then[k] ?? 0)) * 100) / 100;
  out.total = Math.round(Object.values(out).reduce((a, b) => a + b, 0) * 100) / 100;
  return out;
}

/**
 * Wharf ÷ peer, measured in the same run. Throughput below 1: Wharf stores fewer lines/s than
 * the peer; CPU and latency above 1: Wharf spends more CPU-seconds or is slower to the viewer.
 */
function wharfOverPeer(cfg, w, p) {
  const ratio = (a, b) => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 100) / 100);
  const withoutViewers = (c) => c.total - (c.seconds.viewers ?? 0);
  return {
    throughput: ratio(w.persistedLinesPerSecond, p.persistedLinesPerSecond),
    cpuTotal: ratio(w.cpu.total, p.cpu.total),
    /** The viewers do the same work on both sides (bar decoding): the pipelines alone. */
    cpuWithoutViewers: ratio(withoutViewers(w.cpu), withoutViewers(p.cpu)),
    /** Wharf's CPU from its post-command's start (not the deployment's other steps) ÷ the peer's. */
    cpuFromCommand: ratio(w.cpu.fromCommand?.total, p.cpu.total),
    /** Print -> viewer p95 (1 ms buckets, at least 1 ms); a pipeline delay only when paced. */
    p95Latency: ratio(Math.max(1, w.latencyMs.p95 ?? 0), Math.max(1, p.latencyMs.p95 ?? 0)),
    paced: cfg.rate > 0,
  };
}

const mib = (b) => (b === undefined ? null : Math.round((b / 1024 / 1024) * 10) / 10);

function render(cfg, r) {
  const ok = (b) => (b ? 'ok' : 'FAILED');
  const sum = (k) => r.viewers.reduce((a, v) => a + v[k], 0);
  const rows = [
    [
      'remote command',
      `${r.lines.toLocaleString('en')} lines${r.rateLimit ? ` paced at ${r.rateLimit}/s` : ', unpaced'}; printed in ${r.printSeconds?.toFixed(2)} s (${r.printLinesPerSecond?.toLocaleString('en')} lines/s)`,
    ],
    [
      'stored (Postgres)',
      `${r.stored.rows.toLocaleString('en')} rows, seq 1..${r.stored.maxSeq} dense: ${ok(r.checks.storedDense)}; producer lines once and in order: ${ok(r.checks.everyProducerLineStoredOnceInOrder)}; truncated: ${r.stored.truncated}`,
    ],
    [
      'persisted throughput',
      `${r.persistedLinesPerSecond?.toLocaleString('en')} lines/s (first print -> last line committed: ${r.persistedSeconds?.toFixed(2)} s)`,
    ],
    [
      'viewers',
      `${r.clients} on /live: every line exactly once: ${ok(r.checks.everyViewerGotEveryLineOnce)} (duplicates ${sum('duplicates')}, missing ${sum('missing')}, reconnects ${sum('disconnects')})`,
    ],
    ['delivered to all', `${r.deliveredToAllSeconds?.toFixed(2)} s after the first print`],
    [
      'latency print -> viewer',
      `p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms (${r.latencyMs.samples.toLocaleString('en')} samples)`,
    ],
    [
      'latency print -> worker',
      `p50 ${r.printToWorkerMs.p50} ms, p95 ${r.printToWorkerMs.p95} ms, max ${r.printToWorkerMs.max} ms; p95 by second of printing: ${JSON.stringify(r.printToWorkerMs.p95BySecond?.map(([, p]) => p) ?? [])}`,
    ],
    ['API RSS', `idle ${r.rss.api.idleMiB} MiB, peak ${r.rss.api.peakMiB} MiB`],
    ['worker RSS', `idle ${r.rss.worker.idleMiB} MiB, peak ${r.rss.worker.peakMiB} MiB`],
    ...(r.memory
      ? Object.entries(r.memory).map(([k, m]) => [`${k} memory (MiB)`, m ? JSON.stringify(m) : 'no samples'])
      : []),
    ['machine', `CPU busy ${r.cpu.cpuBusyPct}% of ${r.cpu.cores} cores, load ${r.cpu.loadAtStart} at start`],
    [
      'CPU s per 1M lines',
      Object.entries(r.cpu.secondsPerMillionLines)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    [
      'CPU s from post-command',
      r.cpu.fromCommand
        ? Object.entries(r.cpu.fromCommand)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
        : 'not seen',
    ],
    ['deployment', `${r.deploymentSeconds.toFixed(1)} s request -> succeeded`],
    ...(r.peer ? peerRows(r.peer, ok) : []),
    ...(r.ratios
      ? [
          [
            'Wharf / peer',
            `throughput ${r.ratios.throughput}x, CPU-s total ${r.ratios.cpuTotal}x (from Wharf's post-command on ${r.ratios.cpuFromCommand}x, without viewers ${r.ratios.cpuWithoutViewers}x), p95 latency ${r.ratios.p95Latency}x${r.ratios.paced ? ' (paced)' : ' (unpaced: backlog)'}`,
          ],
        ]
      : []),
    ['result', `${r.pass ? 'PASS' : 'FAIL'}  ${cfg.resultFile}`],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

function peerRows(p, ok) {
  const sum = (k) => p.viewers.reduce((a, v) => a + v[k], 0);
  return [
    [
      'peer: stored (psql COPY)',
      `${p.stored.rows.toLocaleString('en')} rows, seq dense: ${ok(p.checks.storedDense)}; producer lines once and in order: ${ok(p.checks.everyProducerLineStoredOnceInOrder)}; ssh, psql: ${ok(p.checks.sshAndPsqlSucceeded)}`,
    ],
    [
      'peer: throughput',
      `${p.persistedLinesPerSecond?.toLocaleString('en')} lines/s (first print -> COPY committed: ${p.persistedSeconds?.toFixed(2)} s; printed at ${p.printLinesPerSecond?.toLocaleString('en')} lines/s)`,
    ],
    [
      'peer: viewers',
      `${p.viewers.length}: every line exactly once: ${ok(p.checks.everyViewerGotEveryLineOnce)} (duplicates ${sum('duplicates')}, missing ${sum('missing')}, disconnects ${sum('disconnects')}); ${p.messages} messages (tick ${p.tickMs} ms); delivered to all ${p.deliveredToAllSeconds?.toFixed(2)} s after the first print`,
    ],
    [
      'peer: latency',
      `print -> viewer p50 ${p.latencyMs.p50} ms, p95 ${p.latencyMs.p95} ms, p99 ${p.latencyMs.p99} ms, max ${p.latencyMs.max} ms; print -> server p95 ${p.printToServerMs.p95} ms`,
    ],
    [
      'peer: RSS peak',
      `server ${p.rss.server.peakMiB} MiB (idle ${p.rss.server.idleMiB}), ssh ${p.rss.ssh.peakMiB} MiB, psql ${p.rss.psql.peakMiB} MiB`,
    ],
    ['peer: machine', `CPU busy ${p.cpu.cpuBusyPct}%, load ${p.cpu.loadAtStart} at start`],
    [
      'peer: CPU s per 1M lines',
      Object.entries(p.cpu.secondsPerMillionLines)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
  ];
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`log-stream: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  },
);
