#!/usr/bin/env node
// Kubernetes rollout benchmark: one image release to N Deployments (one per namespace) in the
// Kubernetes simulator, by Wharf (its real API and worker, as child processes, against a
// fresh database) and by the peer, a shell script running `kubectl set image` + `kubectl
// rollout status` per workload with the same parallelism (xargs -P = Wharf's batch size), in
// the same run against the same simulator, alternating which goes first. Reports wall time,
// API requests per workload, and how long after the simulator completed each rollout the
// tool knew (Wharf: DeploymentTarget.finishedAt). See bench/README.md.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ownCpu, reapedByUs } from '../ssh-fanout/cpu-accounting.mjs';
import { cpuMeter } from '../ssh-fanout/cpu.mjs';
import { WharfClient } from '../ssh-fanout/wharf-client.mjs';
import { ADMIN, startWharfStack } from '../ssh-fanout/wharf-stack.mjs';
import { startCluster } from './cluster.mjs';
import { loadConfig } from './config.mjs';
import { preparePeer, runPeer } from './peer.mjs';
import { median, percentile, round } from './stats.mjs';
import { runWharf, setupWharfProject } from './wharf-release.mjs';

const TARGET_DELAY_P95_MS = 500;
const REPO = 'registry.bench.local/shop/app';
const log = (line) => console.error(`k8s-rollout: ${line}`);

const cfg = loadConfig();
const workDir = await mkdtemp(join(cfg.tmpRoot ?? tmpdir(), 'wharf-bench-k8s-'));
const cleanups = [];
let cleaning;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e) => log(`cleanup: ${e.message}`));
    if (!cfg.keepLogs) await rm(workDir, { recursive: true, force: true });
    else log(`logs kept in ${workDir}`);
  })());
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    log(`${sig}: stopping`);
    void cleanup().then(() => process.exit(130));
  });
}

/** Per workload: the generation the run's change made, when the simulator completed it, when the tool knew. */
function rolloutTimes(cluster, image, knewAt) {
  return cluster.namespaces.map((ns) => {
    if (cluster.imageOf(ns) !== image) throw new Error(`${ns} does not run ${image} after the run`);
    const generation = cluster.generationOf(ns);
    const completed = cluster.completedAt(ns, generation);
    const patched = cluster.patchedAt(ns, generation);
    if (completed === undefined) throw new Error(`${ns}: the simulator never completed generation ${generation}`);
    const knew = knewAt(ns);
    return { ns, generation, patched, completed, knew, delayMs: knew - completed, rolloutMs: completed - patched };
  });
}

function delayStats(times) {
  const d = times.map((t) => t.delayMs);
  return {
    p50: percentile(d, 50),
    p95: percentile(d, 95),
    max: Math.max(...d),
    min: Math.min(...d),
  };
}

async function measurePeer(cluster, prepared, round_) {
  const image = `${REPO}:r${round_}-kubectl`;
  await cluster.quiesce();
  const requests = cluster.countRequests();
  const cpu0 = reapedByUs();
  const r = await runPeer(cfg, cluster, prepared, image, round_);
  const cpuSeconds = reapedByUs() - cpu0;
  const times = rolloutTimes(cluster, image, (ns) => r.doneAt.get(ns));
  const counted = requests();
  delete counted.entries;
  return {
    tool: 'kubectl',
    round: round_,
    seconds: (r.finishedAt - r.startedAt) / 1000,
    cpuSeconds: round(cpuSeconds, 2),
    requests: counted,
    delay: delayStats(times),
    rolloutMedianMs: median(times.map((t) => t.rolloutMs)),
    times,
  };
}

async function measureWharf(cluster, client, stack, project, round_) {
  const version = `r${round_}-wharf`;
  const image = `${REPO}:${version}`;
  await cluster.quiesce();
  const requests = cluster.countRequests();
  const pids = [stack.apiPid, stack.workerPid];
  const cpu0 = ownCpu(pids);
  const r = await runWharf(cfg, client, stack, project, version, image);
  const cpuSeconds = ownCpu(pids) - cpu0;
  if (r.state !== 'succeeded') throw new Error(`Wharf's deployment ${r.id} ended ${r.state}`);
  const times = rolloutTimes(cluster, image, (ns) => r.targets.get(ns).finishedAt);
  const { entries, ...counted } = requests();
  return {
    tool: 'wharf',
    round: round_,
    seconds: (r.finishedAt - r.startedAt) / 1000,
    cpuSeconds: round(cpuSeconds, 2),
    requests: counted,
    delay: delayStats(times),
    rolloutMedianMs: median(times.map((t) => t.rolloutMs)),
    breakdown: wharfBreakdown(r, times, entries),
    times,
  };
}

/** Where Wharf's wall time goes: queue, per-target setup before the patch, batch barriers, the end. */
function wharfBreakdown(r, times, requestEntries) {
  const byNs = new Map(times.map((t) => [t.ns, t]));
  const targets = [...r.targets.entries()].map(([ns, t]) => ({ ...t, ...byNs.get(ns) }));
  const batches = [...new Set(targets.map((t) => t.batch))].sort((a, b) => a - b);
  const gaps = [];
  for (let i = 1; i < batches.length; i++) {
    const prevEnd = Math.max(...targets.filter((t) => t.batch === batches[i - 1]).map((t) => t.finishedAt));
    const nextStart = Math.min(...targets.filter((t) => t.batch === batches[i]).map((t) => t.startedAt));
    gaps.push(nextStart - prevEnd);
  }
  // A batch lasts as long as its slowest workload: the others' finished workloads wait.
  const barrierWait = batches.map((b) => {
    const inBatch = targets.filter((t) => t.batch === b);
    const end = Math.max(...inBatch.map((t) => t.finishedAt));
    return median(inBatch.map((t) => end - t.finishedAt));
  });
  const lastTarget = Math.max(...targets.map((t) => t.finishedAt));
  // When each kind of request arrived, after its target started (median over targets).
  const startOf = new Map(targets.map((t) => [t.ns, t.startedAt]));
  const offsets = {};
  for (const e of requestEntries) (offsets[e.key] ??= []).push(e.at - startOf.get(e.ns));
  return {
    requestArrivalAfterTargetStartMs: Object.fromEntries(
      Object.entries(offsets).map(([k, v]) => [k, round(median(v))]),
    ),
    completeToFinishedMedianMs: round(median(targets.map((t) => t.finishedAt - t.completed))),
    queueMs: round(r.deployment.startedAt - r.startedAt),
    // Building the plan (targets, credentials opened, kubeconfigs read) until the first batch starts.
    startToFirstTargetMs: round(Math.min(...targets.map((t) => t.startedAt)) - r.deployment.startedAt),
    beforePatchMedianMs: round(median(targets.map((t) => t.patched - t.startedAt))),
    batchGapMedianMs: round(median(gaps)),
    barrierWaitMedianMs: round(median(barrierWait)),
    lastTargetToFinishedMs: round(r.deployment.finishedAt - lastTarget),
    finishedToSeenMs: round(r.finishedAt - r.deployment.finishedAt),
  };
}

function summarize(runs) {
  const m = (f) => median(runs.map(f));
  return {
    seconds: round(
      m((r) => r.seconds),
      2,
    ),
    cpuSeconds: round(
      m((r) => r.cpuSeconds),
      2,
    ),
    requestsPerWorkload: round(
      m((r) => r.requests.allPerWorkload),
      2,
    ),
    workloadPathRequestsPerWorkload: round(
      m((r) => r.requests.perWorkload.mean),
      2,
    ),
    clusterWideRequests: m((r) => r.requests.clusterWide),
    connectionsPerWorkload: round(
      m((r) => r.requests.connections / r.times.length),
      2,
    ),
    delayP50Ms: m((r) => r.delay.p50),
    delayP95Ms: m((r) => r.delay.p95),
    delayPooledP95Ms: percentile(
      runs.flatMap((r) => r.times.map((t) => t.delayMs)),
      95,
    ),
    rolloutMedianMs: m((r) => r.rolloutMedianMs),
  };
}

let exitCode = 1;
try {
  log(`workDir ${workDir}`);
  const stack = await startWharfStack(cfg, workDir, { log });
  cleanups.push(() => stack.stop());
  const cluster = await startCluster(cfg, `${REPO}:r0`);
  cleanups.push(() => cluster.stop());
  log(
    `simulator at ${cluster.sim.url}: ${cfg.workloads} Deployments x ${cfg.replicas} replicas, ${cfg.podReadyMs} ms per pod to ready`,
  );
  await cluster.quiesce();

  const client = new WharfClient(stack.url);
  await client.login(ADMIN.email, ADMIN.password);
  const project = await setupWharfProject(client, cfg, cluster);
  const prepared = await preparePeer(cfg, cluster, workDir);

  const machine = cpuMeter();
  const runs = [];
  for (let i = 1; i <= cfg.runs; i++) {
    const order = i % 2 === 1 ? ['kubectl', 'wharf'] : ['wharf', 'kubectl'];
    for (const tool of order) {
      log(`round ${i}/${cfg.runs}: ${tool}`);
      const r =
        tool === 'kubectl'
          ? await measurePeer(cluster, prepared, i)
          : await measureWharf(cluster, client, stack, project, i);
      log(
        `  ${tool}: ${r.seconds.toFixed(2)} s, ${r.requests.allPerWorkload.toFixed(1)} requests/workload, delay p50 ${r.delay.p50} ms p95 ${r.delay.p95} ms`,
      );
      runs.push(r);
    }
  }
  const load = machine();

  const peer = summarize(runs.filter((r) => r.tool === 'kubectl'));
  const wharf = summarize(runs.filter((r) => r.tool === 'wharf'));
  const checks = [
    [`Wharf no slower than kubectl (${wharf.seconds} s vs ${peer.seconds} s)`, wharf.seconds <= peer.seconds],
    [
      `Wharf makes fewer API requests per workload (${wharf.requestsPerWorkload} vs ${peer.requestsPerWorkload})`,
      wharf.requestsPerWorkload < peer.requestsPerWorkload,
    ],
    [
      `Wharf's p95 delay after the simulator completes a rollout < ${TARGET_DELAY_P95_MS} ms (${wharf.delayPooledP95Ms} ms)`,
      wharf.delayPooledP95Ms < TARGET_DELAY_P95_MS,
    ],
  ];

  console.log(
    `\n${cfg.workloads} Deployments x ${cfg.replicas} replicas, ${cfg.podReadyMs} ms per pod to ready, parallelism ${cfg.parallelism}, ${cfg.runs} run(s) each, kubectl cache ${cfg.kubectlCache}`,
  );
  console.log(
    `machine: ${load.cores} cores, load ${load.loadAtStart} at start, ${load.cpuBusyPct}% busy during the runs\n`,
  );
  console.log('| median of runs | Wharf | kubectl script |');
  console.log('| --- | --- | --- |');
  for (const [label, key] of [
    ['wall time (s)', 'seconds'],
    ['ratio Wharf / kubectl', null],
    ['API requests per workload (all / divided by workloads)', 'requestsPerWorkload'],
    ['  of which on the workload namespace', 'workloadPathRequestsPerWorkload'],
    ['  cluster-wide requests per run (discovery, /version)', 'clusterWideRequests'],
    ['TLS connections per workload', 'connectionsPerWorkload'],
    ['delay after the simulator completed a rollout, p50 (ms)', 'delayP50Ms'],
    ['delay p95 (ms)', 'delayP95Ms'],
    ['delay p95 over all runs (ms)', 'delayPooledP95Ms'],
    ['patch to rollout complete, median (ms)', 'rolloutMedianMs'],
    ['CPU of the tool (s)', 'cpuSeconds'],
  ]) {
    if (key === null) console.log(`| ${label} | ${round(wharf.seconds / peer.seconds, 2)} | 1 |`);
    else console.log(`| ${label} | ${wharf[key]} | ${peer[key]} |`);
  }
  const last = runs.filter((r) => r.tool === 'wharf').at(-1);
  console.log(`\nWharf breakdown (last run): ${JSON.stringify(last.breakdown)}`);
  console.log(`Wharf requests by kind (last run): ${JSON.stringify(last.requests.byResource)}`);
  const lastPeer = runs.filter((r) => r.tool === 'kubectl').at(-1);
  console.log(`kubectl requests by kind (last run): ${JSON.stringify(lastPeer.requests.byResource)}\n`);
  for (const [label, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'} ${label}`);

  await mkdir(dirname(cfg.resultFile), { recursive: true });
  await writeFile(
    cfg.resultFile,
    `${JSON.stringify({ date: new Date().toISOString(), config: { ...cfg, pgAdminUrl: undefined }, machine: load, wharf, kubectl: peer, runs }, null, 2)}\n`,
  );
  log(`results in ${cfg.resultFile}`);
  exitCode = checks.every(([, ok]) => ok) ? 0 : 3;
} catch (err) {
  log(`could not run: ${err.stack ?? err}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
