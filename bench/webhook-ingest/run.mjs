#!/usr/bin/env node
// Webhook ingest benchmark: BENCH_RATE GitLab deliveries per second across BENCH_PROJECTS
// projects for BENCH_SECONDS, sent open-loop (on a fixed schedule, whatever the answers) to a
// private Wharf (API + worker as child processes) on loopback, BENCH_DUP_PERCENT of them
// copies of an earlier delivery (same Idempotency-Key, as GitLab retries). Reports p50/p99/max
// time to answer, checks every delivery is recorded once and exactly the expected deployments
// were created. See bench/README.md.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSampleTarball } from '@wharf/test-hosts';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { cpuMeter } from '../ssh-fanout/cpu.mjs';
import { WharfClient } from '../ssh-fanout/wharf-client.mjs';
import { ADMIN, startWharfStack } from '../ssh-fanout/wharf-stack.mjs';
import { loadConfig } from './config.mjs';
import { startPeer } from './peer-stack.mjs';
import { deliveryHeaders, pushBody, randomSha, tagPushBody } from './payloads.mjs';

const TARGET_P99_MS = 50;
const LOOP_PROBE = new URL('./loop-probe.mjs', import.meta.url).pathname;
const log = (line) => console.error(`webhook-ingest: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Each project: environment qa with a placeholder target and the rule "branch main deploys". */
async function setupProjects(client, cfg) {
  const projects = [];
  for (let i = 0; i < cfg.projects; i++) {
    const slug = `hook-${String(i).padStart(3, '0')}`;
    await client.ok('POST', '/api/v1/projects', { slug, name: slug });
    const env = await client.ok('POST', `/api/v1/projects/${slug}/environments`, { name: 'qa' });
    // No credential or approved host key: each deployment is created, then refused fast by the
    // worker. The benchmark counts deployments created; it does not deploy anything.
    await client.ok('POST', `/api/v1/projects/${slug}/environments/${env.id}/targets`, {
      kind: 'ssh',
      name: 'placeholder',
      config: { host: '127.0.0.1', port: 1, user: 'deploy', baseDir: '/srv/wharf-bench', appName: 'app' },
    });
    await client.ok('POST', `/api/v1/projects/${slug}/environments/${env.id}/auto-deploy-rules`, {
      refType: 'branch',
      pattern: 'main',
    });
    const hook = await client.ok('POST', `/api/v1/projects/${slug}/webhook/token`, {});
    const ci = await client.ok('POST', `/api/v1/projects/${slug}/tokens`, { name: 'bench' });
    projects.push({ slug, hookToken: hook.token, ciToken: ci.token });
  }
  return projects;
}

/**
 * The schedule: one delivery every 1000/rate ms, round-robin over projects. Most are pushes to
 * branches without a rule or tag pushes (recorded, ignored); each project also gets
 * `deploysPerProject` pushes to main, spread out in time (further apart than the settle window),
 * each of a commit whose artifact exists: exactly those deploy. A share of the slots re-send an
 * earlier delivery unchanged (same headers and body).
 */
function plan(cfg, projects) {
  const total = cfg.rate * cfg.seconds;
  const intervalMs = 1000 / cfg.rate;
  const slots = [];
  const deploys = [];
  const sent = [];
  let minute = 0;
  const deploySlots = new Map();
  const perProject = cfg.deploysPerProject;
  for (let k = 0; k < perProject; k++) {
    for (let j = 0; j < projects.length; j++) {
      // Evenly over the run, each project at its own offset.
      const at = Math.floor(((k + 0.5) / perProject) * total + j * 3) % total;
      deploySlots.set(at, j);
    }
  }
  for (let i = 0; i < total; i++) {
    const dueMs = i * intervalMs;
    if (deploySlots.has(i)) {
      const project = projects[deploySlots.get(i)];
      const sha = randomSha();
      minute++;
      const body = pushBody('main', sha, new Date(Date.UTC(2026, 0, 1) + minute * 60_000));
      const d = { project, body, headers: deliveryHeaders('Push Hook', project.hookToken), deploys: true, sha };
      deploys.push(d);
      sent.push(d);
      slots.push({ dueMs, d, duplicate: false });
      continue;
    }
    if (sent.length > 0 && Math.random() * 100 < cfg.dupPercent) {
      slots.push({ dueMs, d: sent[Math.floor(Math.random() * sent.length)], duplicate: true });
      continue;
    }
    const project = projects[i % projects.length];
    const sha = randomSha();
    const tag = i % 10 === 0;
    const body = tag ? tagPushBody(`build-${i}`, sha) : pushBody(`feature/f-${i}`, sha, new Date());
    const d = { project, body, headers: deliveryHeaders(tag ? 'Tag Push Hook' : 'Push Hook', project.hookToken) };
    sent.push(d);
    slots.push({ dueMs, d, duplicate: false });
  }
  return { slots, deploys, unique: sent.length };
}

/** Pushes the sample tarball as `version`, built from `commit` (as `wharf artifact push` says). */
async function pushArtifact(url, project, version, commit, tarball) {
  const size = (await stat(tarball.path)).size;
  const q = new URLSearchParams({ version, sha256: tarball.sha256, commit });
  const res = await fetch(`${url}/api/v1/projects/${project.slug}/artifacts/tarball?${q}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${project.ciToken}`,
      'content-type': 'application/gzip',
      'content-length': String(size),
    },
    body: Readable.toWeb(createReadStream(tarball.path)),
    duplex: 'half',
    signal: AbortSignal.timeout(60_000),
  });
  if (res.status !== 201) throw new Error(`push ${version} failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
}

/** One attempt; GitLab's timeout is 10 s. */
async function attempt(side, slot) {
  const started = performance.now();
  try {
    const res = await fetch(`${side.url}${side.hookPath(slot.d.project.slug)}`, {
      method: 'POST',
      headers: side.headersOf(slot.d),
      body: slot.d.body,
      signal: AbortSignal.timeout(10_000),
    });
    const body = await res.json().catch(() => null);
    return { ms: performance.now() - started, status: res.status, body };
  } catch (err) {
    return { ms: performance.now() - started, status: 0, error: err.message };
  }
}

/**
 * Like GitLab: a 5xx or a timeout is retried with the same headers and body (so the same
 * Idempotency-Key), here after 1 s doubling, at most `retries` times. Times are first answers.
 */
async function send(side, slot, retries) {
  const first = await attempt(side, slot);
  let last = first;
  let tries = 0;
  while ((last.status === 0 || last.status >= 500) && tries < retries) {
    await sleep(1000 * 2 ** tries);
    tries++;
    last = await attempt(side, slot);
  }
  return { ms: first.ms, firstStatus: first.status, status: last.status, body: last.body, retried: tries };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Sends the schedule to one side (Wharf or the peer) and waits until its worker settled every
 * delivery. `side`: url, hookPath(slug), headersOf(delivery), pids {endpoint, worker},
 * settleCounts() -> {deliveries, unsettled}. Returns the answers, the time the load took, the
 * settle time and CPU per delivery of each process.
 */
async function loadPhase(side, schedule, cfg) {
  await side.mark('warmup');
  // Warm up first (JIT, lazily loaded code, pools): unique tag pushes, 10 at a time, not timed.
  const projects = [...new Set(schedule.slots.map((s) => s.d.project))];
  for (let i = 0; i < cfg.warmup; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, cfg.warmup - i) }, (_, j) => {
        const project = projects[(i + j) % projects.length];
        const d = {
          project,
          body: tagPushBody(`warmup-${i + j}`, randomSha()),
          headers: deliveryHeaders('Tag Push Hook', project.hookToken),
        };
        return send(side, { d }, cfg.retries);
      }),
    );
  }
  const cpuBefore = { endpoint: cpuSeconds(side.pids.endpoint), worker: cpuSeconds(side.pids.worker) };
  const machine = cpuMeter();
  await side.mark('load');
  const started = performance.now();
  const pending = [];
  for (const slot of schedule.slots) {
    const wait = started + slot.dueMs - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      send(side, slot, cfg.retries).then((r) => ({
        ...r,
        dueMs: slot.dueMs,
        deploys: slot.d.deploys === true,
        duplicate: slot.duplicate,
        key: slot.d.headers['idempotency-key'],
      })),
    );
  }
  const results = await Promise.all(pending);
  // Kept logs get every answer ([due ms, answer ms, first status]) for a timeline.
  if (side.answersFile)
    await writeFile(side.answersFile, JSON.stringify(results.map((r) => [r.dueMs, +r.ms.toFixed(1), r.firstStatus])));
  const elapsedS = (performance.now() - started) / 1000;
  const sentDone = performance.now();
  await side.mark('settle');
  // Let the worker finish: every delivery looked at.
  let counts;
  const deadline = Date.now() + cfg.settleTimeoutMs;
  for (;;) {
    counts = await side.settleCounts();
    if (counts.unsettled === 0 || Date.now() > deadline) break;
    await sleep(500);
  }
  const settledAfterS = +((performance.now() - sentDone) / 1000).toFixed(1);
  await side.mark('idle');
  // CPU per delivery sent (copies included), until everything settled: the machine-independent part.
  const perDelivery = (pid, before) => +(((cpuSeconds(pid) - before) * 1000) / schedule.slots.length).toFixed(2);
  const cpu = {
    endpointMsPerDelivery: perDelivery(side.pids.endpoint, cpuBefore.endpoint),
    workerMsPerDelivery: perDelivery(side.pids.worker, cpuBefore.worker),
    ...machine(),
  };
  return { results, elapsedS, settledAfterS, counts, cpu, warmup: cfg.warmup };
}

/** Answers, latency and the idempotency checks of one phase; failures are pushed to `failures`. */
function summarizePhase(name, phase, schedule, failures) {
  const { results, counts } = phase;
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const byStatus = {};
  const firstAnswers = {};
  for (const r of results) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    firstAnswers[r.firstStatus] = (firstAnswers[r.firstStatus] ?? 0) + 1;
  }
  const byKey = new Map();
  for (const r of results) {
    const list = byKey.get(r.key) ?? [];
    list.push(r);
    byKey.set(r.key, list);
  }
  // Per delivery (copies included): at most one 202, every other final answer 200
  // "duplicate" (a retried delivery may get no 202 at all: its first try was recorded).
  const wrongDup = [...byKey.values()].filter(
    (list) =>
      list.filter((r) => r.status === 202).length > 1 ||
      list.some((r) => r.status !== 202 && !(r.status === 200 && r.body?.status === 'duplicate')),
  ).length;
  if (wrongDup > 0)
    failures.push(
      `${name}: ${wrongDup} deliveries: more than one 202, or a final answer other than 202 / 200 duplicate`,
    );
  const expected = schedule.unique + phase.warmup;
  if (counts.deliveries !== expected)
    failures.push(`${name}: ${counts.deliveries} recorded, ${expected} sent (${phase.warmup} of them to warm up)`);
  if (counts.unsettled > 0) failures.push(`${name}: ${counts.unsettled} deliveries not settled`);
  return {
    sent: results.length,
    uniqueDeliveries: schedule.unique,
    duplicatesSent: results.filter((r) => r.duplicate).length,
    achievedRate: Math.round(results.length / phase.elapsedS),
    firstAnswers,
    finalAnswers: byStatus,
    retried: results.filter((r) => r.retried > 0).length,
    answerMs: { p50: +pct(ms, 50).toFixed(1), p99: +pct(ms, 99).toFixed(1), max: +ms[ms.length - 1].toFixed(1) },
    slowAnswersBySecond: slowBySecond(results),
    recorded: counts.deliveries,
    warmup: phase.warmup,
    unsettled: counts.unsettled,
    settledAfterS: phase.settledAfterS,
    cpu: phase.cpu,
  };
}

/**
 * What loop-probe.mjs saw in each process of `pids` ({ role: pid }) during the timed load:
 * event-loop delay and GC pauses (see loop-probe.mjs).
 */
async function probeFigures(probe, label, pids) {
  // The probe looks at the phase file every 200 ms.
  await sleep(600);
  const lines = (await readFile(probe.file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const out = {};
  for (const [role, pid] of Object.entries(pids)) {
    const line = lines.find((l) => l.pid === pid && l.phase === `${label}:load`);
    if (line) out[role] = { ...line, pid: undefined, phase: undefined, ticks: undefined };
    if (line && probe.keep) await writeFile(join(probe.dir, `${label}-${role}-ticks.json`), JSON.stringify(line.ticks));
  }
  return out;
}

/**
 * Where in the run the answers at or over the target fell: { second of the run: count }, and
 * the seconds in which the deploying pushes were sent (to tell their work from the rest).
 */
function slowBySecond(results) {
  const slow = {};
  const deploying = new Set();
  for (const r of results) {
    const second = Math.floor(r.dueMs / 1000);
    if (r.deploys) deploying.add(second);
    if (r.ms >= TARGET_P99_MS) slow[second] = (slow[second] ?? 0) + 1;
  }
  return { slow, deployingPushesSentIn: [...deploying].sort((a, b) => a - b) };
}

const ratio = (a, b) => (b > 0 ? +(a / b).toFixed(2) : null);

async function main() {
  const cfg = loadConfig();
  const workDir = await mkdtemp(join(cfg.tmpRoot ?? tmpdir(), 'wharf-bench-hooks-'));
  let stack = null;
  let peer = null;
  const cleanup = async () => {
    await peer?.stop();
    await stack?.stop();
    if (!cfg.keepLogs) await rm(workDir, { recursive: true, force: true });
    else log(`logs kept in ${workDir}`);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    // Every measured process reports its event-loop delay and GC pauses per phase.
    const probe = { file: join(workDir, 'loop-probe.jsonl'), dir: workDir, keep: cfg.keepLogs };
    probe.mark = (label) => (phase) => writeFile(`${probe.file}.phase`, `${label}:${phase}`);
    const probeArgs = ['--import', LOOP_PROBE];
    const probeEnv = { BENCH_LOOP_PROBE_FILE: probe.file };
    const wharfEnv = cfg.workerNice === undefined ? {} : { WHARF_WORKER_NICE: String(cfg.workerNice) };
    // Each role in a session of its own, as `npm start` runs them.
    stack = await startWharfStack(cfg, workDir, {
      log,
      ownSessions: true,
      nodeArgs: [...probeArgs, ...cfg.nodeArgs],
      extraEnv: { ...probeEnv, ...wharfEnv },
    });
    const client = new WharfClient(stack.url);
    await client.login(ADMIN.email, ADMIN.password);
    log(`setting up ${cfg.projects} projects`);
    const projects = await setupProjects(client, cfg);
    const schedule = plan(cfg, projects);
    log(`pushing ${schedule.deploys.length} artifacts (the commits that will deploy)`);
    const tarball = await buildSampleTarball({ version: 'bench', outDir: workDir });
    for (const [n, d] of schedule.deploys.entries()) {
      await pushArtifact(stack.url, d.project, `v${n}`, d.sha, tarball);
    }
    if (cfg.peer) {
      peer = await startPeer(
        stack,
        projects.map((p) => p.slug),
        { redisUrl: cfg.redisUrl, maxBodyBytes: 1024 * 1024, workDir, nodeArgs: probeArgs, extraEnv: probeEnv },
      );
    }
    const db = await stack.db();
    const failures = [];

    log(`Wharf: ${schedule.slots.length} deliveries, ${cfg.rate}/s for ${cfg.seconds} s over ${cfg.projects} projects`);
    const wharfPhase = await loadPhase(
      {
        url: stack.url,
        hookPath: (slug) => `/api/v1/hooks/gitlab/${slug}`,
        headersOf: (d) => d.headers,
        pids: { endpoint: stack.apiPid, worker: stack.workerPid },
        mark: probe.mark('wharf'),
        answersFile: cfg.keepLogs ? join(workDir, 'wharf-answers.json') : null,
        settleCounts: async () =>
          (
            await db.query(
              `SELECT count(*)::int AS deliveries,
                      count(*) FILTER (WHERE outcome IN ('pending', 'waiting'))::int AS unsettled
                 FROM "WebhookDelivery"`,
            )
          ).rows[0],
      },
      schedule,
      cfg,
    );
    const wharf = summarizePhase('Wharf', wharfPhase, schedule, failures);
    wharf.process = await probeFigures(probe, 'wharf', { endpoint: stack.apiPid, worker: stack.workerPid });
    const deployments = (
      await db.query(
        `SELECT count(*) FILTER (WHERE outcome = 'deployed')::int AS deployed,
                (SELECT count(*)::int FROM "Deployment" WHERE trigger = 'webhook') AS created
           FROM "WebhookDelivery"`,
      )
    ).rows[0];
    const outcomes = Object.fromEntries(
      (
        await db.query(`SELECT outcome::text, count(*)::int AS n FROM "WebhookDelivery" GROUP BY 1 ORDER BY 1`)
      ).rows.map((r) => [r.outcome, r.n]),
    );
    const mainReasons = (
      await db.query(
        `SELECT outcome::text, regexp_replace(reason, '[0-9a-f]{8}|v[0-9]+', '…', 'g') AS reason, count(*)::int AS n
           FROM "WebhookDelivery" WHERE ref = 'refs/heads/main' GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5`,
      )
    ).rows;
    Object.assign(wharf, {
      deliveriesDeployed: deployments.deployed,
      deploymentsCreated: deployments.created,
      deploymentsExpected: schedule.deploys.length,
      outcomes,
      mainBranchOutcomes: mainReasons,
    });
    if (wharf.answerMs.p99 >= TARGET_P99_MS)
      failures.push(`Wharf: p99 ${wharf.answerMs.p99} ms >= ${TARGET_P99_MS} ms`);
    // One deploying push per project: each deploys. With more, a later push of the same project
    // may rightly supersede an earlier one still waiting (only the newest commit runs), so the
    // count lies between the number of projects and the number of deploying pushes.
    const minDeploys = Math.min(schedule.deploys.length, new Set(schedule.deploys.map((d) => d.project.slug)).size);
    if (deployments.created < minDeploys || deployments.created > schedule.deploys.length)
      failures.push(
        minDeploys === schedule.deploys.length
          ? `${deployments.created} deployments, ${schedule.deploys.length} expected`
          : `${deployments.created} deployments, expected ${minDeploys}..${schedule.deploys.length}`,
      );

    let peerSummary = null;
    let vsPeer = null;
    if (peer) {
      // The same schedule (bodies, copies, keys, timing), each project's peer token.
      log(`peer: the same ${schedule.slots.length} deliveries`);
      const peerPhase = await loadPhase(
        {
          url: peer.url,
          hookPath: peer.hookPath,
          headersOf: (d) => ({ ...d.headers, 'x-gitlab-token': peer.tokens.get(d.project.slug) }),
          pids: { endpoint: peer.serverPid, worker: peer.workerPid },
          mark: probe.mark('peer'),
          answersFile: cfg.keepLogs ? join(workDir, 'peer-answers.json') : null,
          settleCounts: async () =>
            (
              await db.query(
                `SELECT count(*)::int AS deliveries, count(*) FILTER (WHERE outcome = 'pending')::int AS unsettled
                   FROM peer_delivery`,
              )
            ).rows[0],
        },
        schedule,
        cfg,
      );
      peerSummary = summarizePhase('peer', peerPhase, schedule, failures);
      peerSummary.process = await probeFigures(probe, 'peer', { endpoint: peer.serverPid, worker: peer.workerPid });
      const w = wharf;
      const p = peerSummary;
      vsPeer = {
        p50: ratio(w.answerMs.p50, p.answerMs.p50),
        p99: ratio(w.answerMs.p99, p.answerMs.p99),
        endpointCpu: ratio(w.cpu.endpointMsPerDelivery, p.cpu.endpointMsPerDelivery),
        workerCpu: ratio(w.cpu.workerMsPerDelivery, p.cpu.workerMsPerDelivery),
        totalCpu: ratio(
          w.cpu.endpointMsPerDelivery + w.cpu.workerMsPerDelivery,
          p.cpu.endpointMsPerDelivery + p.cpu.workerMsPerDelivery,
        ),
        endpointLoopDelayP99: ratio(w.process.endpoint?.loopDelayMs.p99, p.process.endpoint?.loopDelayMs.p99),
        endpointLoopDelayMax: ratio(w.process.endpoint?.loopDelayMs.max, p.process.endpoint?.loopDelayMs.max),
      };
    }
    await db.end();

    const summary = { wharf, peer: peerSummary, wharfOverPeer: vsPeer };
    console.log(JSON.stringify(summary, null, 2));
    await mkdir(dirname(cfg.resultFile), { recursive: true });
    await writeFile(
      cfg.resultFile,
      JSON.stringify(
        { at: new Date().toISOString(), cfg: { ...cfg, childPath: undefined }, summary, failures },
        null,
        2,
      ),
    );
    log(
      failures.length
        ? `FAIL: ${failures.join('; ')}`
        : `PASS: p99 ${wharf.answerMs.p99} ms < ${TARGET_P99_MS} ms, nothing lost, nothing duplicated`,
    );
    if (vsPeer) log(`Wharf / peer: p50 ${vsPeer.p50}x, p99 ${vsPeer.p99}x, CPU per delivery ${vsPeer.totalCpu}x`);
    process.exitCode = failures.length ? 3 : 0;
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
