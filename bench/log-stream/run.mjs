#!/usr/bin/env node
// Live log benchmark: a real deployment (API + worker as child processes, one sshd+pm2 host)
// whose post-command prints BENCH_LINES lines, each carrying its print time, while
// BENCH_CLIENTS socket.io viewers watch it live on /live. Checks that every line is stored
// once with a dense seq and reaches every viewer exactly once; reports lines/s stored,
// print-to-viewer latency and the API's and worker's peak RSS. See bench/README.md.
import { fork } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSampleTarball, killAndWait, startSshHosts } from '@wharf/test-hosts';
import { Redis } from 'ioredis';
import { cpuMeter } from '../ssh-fanout/cpu.mjs';
import { pushTarball, setupProject, waitFinished, WharfClient } from '../ssh-fanout/wharf-client.mjs';
import { ADMIN, startWharfStack } from '../ssh-fanout/wharf-stack.mjs';
import { loadConfig } from './config.mjs';
import { CpuLedger } from './proc-cpu.mjs';
import { parseProducerLine, producerCommand } from './producer.mjs';
import { memProbeEnv, memProbeSummary } from './mem-probe-summary.mjs';
import { RssSampler, rssBytes } from './rss-sampler.mjs';

const CLIENT_PROC = fileURLToPath(new URL('./client-proc.mjs', import.meta.url));
const MAX_LATENCY_MS = 15 * 60_000;
const log = (line) => console.error(`log-stream: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A forked viewer process with a small request/reply helper over IPC. */
function startClientProc(count, profileDir) {
  // BENCH_CPU_PROFILE=1 profiles the viewer processes too (into the kept logs' profiles/).
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(CLIENT_PROC, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const proc = { child, count, received: new Array(count).fill(0), waiters: [] };
  child.on('message', (m) => {
    if (m.type === 'progress') proc.received = m.received;
    for (const w of proc.waiters.filter((x) => x.type === m.type || m.type === 'error')) {
      proc.waiters.splice(proc.waiters.indexOf(w), 1);
      if (m.type === 'error') w.reject(new Error(`viewer process: ${m.message}`));
      else w.resolve(m);
    }
  });
  child.on('exit', (code) => {
    for (const w of proc.waiters.splice(0)) w.reject(new Error(`viewer process exited with ${code}`));
  });
  proc.request = (msg, replyType, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`viewer process: no ${replyType} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      proc.waiters.push({
        type: replyType,
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.send(msg);
    });
  return proc;
}

/** Percentile from 1 ms buckets ([ms, count] pairs, ascending). */
function percentile(buckets, total, p) {
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const [ms, n] of buckets) {
    seen += n;
    if (seen >= rank) return ms;
  }
  return null;
}

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
    const procs = [];
    for (let i = 0; i < cfg.clientProcs; i++) {
      const count = Math.floor(cfg.clients / cfg.clientProcs) + (i < cfg.clients % cfg.clientProcs ? 1 : 0);
      const p = startClientProc(count, cfg.cpuProfile ? join(tmp, 'wharf', 'profiles') : undefined);
      procs.push(p);
      cleanups.push(() => killAndWait(p.child.pid, 'SIGTERM', 5000));
    }
    await Promise.all(
      procs.map((p) =>
        p.request(
          {
            type: 'start',
            url: stack.url,
            email: ADMIN.email,
            password: ADMIN.password,
            count: p.count,
            maxLatencyMs: MAX_LATENCY_MS,
          },
          'ready',
          120_000,
        ),
      ),
    );
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
    const poller = (async () => {
      const q = `select coalesce(max(seq), 0)::int as max from "DeploymentLog" where "deploymentId" = $1`;
      while (polling && Date.now() < pollUntil) {
        if (deploymentId) dbSamples.push([Date.now(), (await db.query(q, [deploymentId])).rows[0].max]);
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

    const stored = (
      await db.query(
        `select count(*)::int as n, coalesce(min(seq), 0)::int as min, coalesce(max(seq), 0)::int as max,
                (select "logTruncated" from "Deployment" where id = $1) as truncated
         from "DeploymentLog" where "deploymentId" = $1`,
        [deploymentId],
      )
    ).rows[0];
    const producer = (
      await db.query(
        `select count(*)::int as n, count(*) filter (where i <> r)::int as misordered, count(distinct i)::int as distinct_n,
                min(i)::int as min_i, max(i)::int as max_i, min(seq)::int as first_seq, max(seq)::int as last_seq
         from (select seq, split_part(text, ' ', 1)::int as i, row_number() over (order by seq) as r
               from "DeploymentLog" where "deploymentId" = $1 and stream = 'stdout' and text ~ '^[0-9]+ [0-9]{13}$') x`,
        [deploymentId],
      )
    ).rows[0];
    const edge = (
      await db.query(`select seq, text from "DeploymentLog" where "deploymentId" = $1 and seq in ($2, $3)`, [
        deploymentId,
        producer.first_seq ?? 0,
        producer.last_seq ?? 0,
      ])
    ).rows;
    // Stage breakdown: the time the worker took each line in (DeploymentLog.at, set by the sink's
    // write()) minus the time printed in it, so a delay before the worker (host, sshd, SSH,
    // backpressure) is told apart from one after it (Postgres, Redis, API, viewers).
    const toWorker = (
      await db.query(
        `with l as (select (extract(epoch from at) * 1000)::bigint - split_part(text, ' ', 2)::bigint as ms,
                           split_part(text, ' ', 2)::bigint as printed
                      from "DeploymentLog"
                     where "deploymentId" = $1 and stream = 'stdout' and text ~ '^[0-9]+ [0-9]{13}$'),
              s as (select (printed - min(printed) over ()) / 1000 as sec, ms from l)
         select (select percentile_disc(0.5) within group (order by ms) from l)::int as p50,
                (select percentile_disc(0.95) within group (order by ms) from l)::int as p95,
                (select max(ms) from l)::int as max,
                (select json_agg(json_build_array(sec, p95) order by sec)
                   from (select sec, percentile_disc(0.95) within group (order by ms)::int as p95
                           from s group by sec) b) as "p95BySecond"`,
        [deploymentId],
      )
    ).rows[0];
    const firstPrint = parseProducerLine(edge.find((r) => r.seq === producer.first_seq)?.text ?? '')?.ts ?? null;
    const lastPrint = parseProducerLine(edge.find((r) => r.seq === producer.last_seq)?.text ?? '')?.ts ?? null;

    // --- wait for every viewer to have every stored line (bounded) ------------------------
    const deliveryDeadline = Date.now() + cfg.deliveryTimeoutMs;
    while (Date.now() < deliveryDeadline && !procs.every((p) => p.received.every((n) => n >= stored.n)))
      await sleep(250);
    polling = false;
    await poller;
    clearInterval(progress);
    rss.stop();
    clearInterval(cpuTimer);
    await trackCpu(true);
    const cpuSeconds = ledger.totals();
    const cpu = {
      ...meter(),
      seconds: cpuSeconds,
      secondsPerMillionLines: Object.fromEntries(
        Object.entries(cpuSeconds).map(([k, v]) => [k, Math.round((v * 1e6 * 10) / cfg.lines) / 10]),
      ),
    };
    const results = await Promise.all(
      procs.map((p) => p.request({ type: 'finish', maxSeq: stored.max }, 'result', 120_000)),
    );

    // --- numbers --------------------------------------------------------------------------
    const viewers = results.flatMap((r) => r.viewers);
    const merged = new Map();
    for (const r of results) for (const [ms, n] of r.buckets) merged.set(ms, (merged.get(ms) ?? 0) + n);
    const buckets = [...merged.entries()].sort((a, b) => a[0] - b[0]);
    const overflow = results.reduce((a, r) => a + r.overflow, 0);
    const samples = buckets.reduce((a, [, n]) => a + n, 0) + overflow;
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
      storedDense: stored.n === stored.max && stored.min === 1,
      notTruncated: stored.truncated === false,
      everyProducerLineStoredOnceInOrder:
        producer.n === cfg.lines &&
        producer.distinct_n === cfg.lines &&
        producer.misordered === 0 &&
        producer.min_i === 1 &&
        producer.max_i === cfg.lines,
      everyViewerGotEveryLineOnce: viewers.every(
        (v) => v.received === stored.n && v.missing === 0 && v.duplicates === 0 && v.beyondMaxSeq === 0,
      ),
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
      latencyMs: {
        samples,
        expectedSamples: cfg.lines * cfg.clients,
        p50: percentile(buckets, samples, 50),
        p95: percentile(buckets, samples, 95),
        p99: percentile(buckets, samples, 99),
        max: overflow ? `>= ${MAX_LATENCY_MS}` : (buckets.at(-1)?.[0] ?? null),
      },
      rss: {
        api: { idleMiB: mib(idle.api), ...rssSummary.api },
        worker: { idleMiB: mib(idle.worker), ...rssSummary.worker },
      },
      cpu,
      memory,
      viewers: viewers.map((v) => ({
        ...v,
        disconnects: v.disconnects.length,
        disconnectReasons: [...new Set(v.disconnects.map((x) => x.reason))],
      })),
      checks,
      pass: Object.values(checks).every(Boolean),
    };
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
    ['deployment', `${r.deploymentSeconds.toFixed(1)} s request -> succeeded`],
    ['result', `${r.pass ? 'PASS' : 'FAIL'}  ${cfg.resultFile}`],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`log-stream: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  },
);
