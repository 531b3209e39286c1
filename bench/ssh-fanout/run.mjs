#!/usr/bin/env node
// SSH fan-out benchmark: one sample-app release to N loopback sshd+pm2 hosts, by
//   wharf   - the real API + worker (child processes), from POST /deployments until the
//             deployment is `succeeded` (every host health-checked);
//   ansible - ansible-playbook deploy.yml, same steps, forks = parallelism;
//   floor   - floor.sh: plain ssh + xargs -P, same steps;
//   pssh    - pssh.sh: parallel-scp then parallel-ssh, same steps.
// Every run deploys a fresh version from the same host state. See bench/README.md.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSampleTarball, startSshHosts } from '@wharf/test-hosts';
import { prepareAnsible, runAnsible } from './ansible-runner.mjs';
import { loadConfig } from './config.mjs';
import { cpuAccount, ownCpu } from './cpu-accounting.mjs';
import { cpuMeter } from './cpu.mjs';
import { expectServing, resetReleases } from './hosts-state.mjs';
import { runTimed } from './proc.mjs';
import { analyzeTimeline, floorTimeline } from './timeline.mjs';
import { median, PHASE_ORDER, wharfBreakdown } from './wharf-breakdown.mjs';
import { appNameOf, healthUrlOf, pushTarball, setupProject, waitFinished, WharfClient } from './wharf-client.mjs';
import { startFollower } from './wharf-follower.mjs';
import { ADMIN, checkBuilt, startWharfStack } from './wharf-stack.mjs';

// wharfOverBest: Wharf against the better of the plain floor and parallel-ssh (issue 11).
const TARGETS = { wharfOverAnsible: 1, wharfOverFloor: 1.3, wharfOverBest: 1 };
const FLOOR_SH = fileURLToPath(new URL('./floor.sh', import.meta.url));
const PSSH_SH = fileURLToPath(new URL('./pssh.sh', import.meta.url));
const log = (line) => console.error(`ssh-fanout: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function checkTools(cfg) {
  const need = [
    'ssh',
    'curl',
    'xargs',
    ...(cfg.tools.includes('ansible') ? ['ansible-playbook'] : []),
    ...(cfg.tools.includes('pssh') ? ['parallel-ssh', 'parallel-scp'] : []),
  ];
  for (const cmd of need) {
    await runTimed('sh', ['-c', 'command -v "$1" >/dev/null', 'sh', cmd], { timeoutMs: 5000 }).catch(() => {
      throw new Error(`${cmd} is not installed (apt-get install -y openssh-client curl ansible-core pssh)`);
    });
  }
  if (cfg.tools.includes('wharf')) checkBuilt();
}

async function main() {
  const cfg = loadConfig();
  await checkTools(cfg);
  const tmp = await mkdtemp(join(cfg.tmpRoot ?? tmpdir(), 'wharf-bench-fanout-'));
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
    log(`starting ${cfg.hosts} sshd+pm2 hosts from ${cfg.baseAddress}`);
    const hosts = await startSshHosts({ count: cfg.hosts, baseAddress: cfg.baseAddress });
    cleanups.push(() => hosts.stop());
    const runId = Date.now().toString(36);
    const tarballDir = join(tmp, 'tarballs');
    const tarball = (version) => buildSampleTarball({ version, outDir: tarballDir });

    // --- tools, set up before any timing ------------------------------------------------
    let wharf = null;
    let wharfPids;
    if (cfg.tools.includes('wharf')) {
      const stack = await startWharfStack(cfg, join(tmp, 'wharf'), {
        log,
        extraEnv: cfg.workerNice === undefined ? {} : { WHARF_WORKER_NICE: cfg.workerNice },
      });
      cleanups.push(() => stack.stop());
      const client = new WharfClient(stack.url);
      await client.login(ADMIN.email, ADMIN.password);
      const project = await setupProject(client, {
        slug: 'fanout',
        hosts,
        settings: {
          // One health-gated batch; `parallelism` is the sliding window, like xargs -P.
          batchSize: '100%',
          parallelism: cfg.parallelism[0],
          onFailure: 'stop',
          health: { intervalMs: cfg.healthIntervalS * 1000, timeoutMs: 5000, attempts: cfg.healthAttempts },
        },
      });
      const db = await stack.db();
      cleanups.push(() => db.end());
      wharf = { stack, client, project, db };
      // The worker's and API's own CPU, and that of the Postgres backends serving them.
      wharfPids = async () => [
        stack.apiPid,
        stack.workerPid,
        ...(
          await db.query(
            'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
          )
        ).rows.map((r) => r.pid),
      ];
      log(`wharf: project ${project.slug} with ${project.targetIds.length} targets, host keys approved`);
    }
    let ansible = null;
    if (cfg.tools.includes('ansible')) ansible = await prepareAnsible(cfg, hosts, join(tmp, 'ansible'));
    const floorHosts = join(tmp, 'floor-hosts.txt');
    await writeFile(
      floorHosts,
      hosts.hosts.map((h) => `${h.address} ${h.port} ${h.baseDir} ${appNameOf(h)} ${healthUrlOf(h)}\n`).join(''),
    );
    const psshHosts = join(tmp, 'pssh-hosts.txt');
    await writeFile(psshHosts, hosts.hosts.map((h) => `root@${h.address}:${h.port}\n`).join(''));

    // CPU per GET /deployments/:id (what the 100 ms status polling costs): API and Postgres.
    async function measurePollCost(client, slug, id, count) {
      const pgPids = async () => (await wharfPids()).slice(2);
      const pidsBefore = await pgPids();
      const pgBefore = new Map(pidsBefore.map((p) => [p, ownCpu([p])]));
      const apiBefore = ownCpu([wharf.stack.apiPid]);
      for (let i = 0; i < count; i++) await client.ok('GET', `/api/v1/projects/${slug}/deployments/${id}`);
      const api = ownCpu([wharf.stack.apiPid]) - apiBefore;
      const pgAfter = await pgPids();
      const pgCpu = pgAfter.reduce((a, p) => a + ownCpu([p]) - (pgBefore.get(p) ?? 0), 0);
      const r3 = (x) => Math.round(x * 1000) / 1000;
      return { gets: count, apiMsPerGet: r3((api * 1000) / count), postgresMsPerGet: r3((pgCpu * 1000) / count) };
    }

    // --- one timed run of one tool --------------------------------------------------------
    async function runOnce(tool, parallelism, version) {
      await resetReleases(hosts);
      const t = await tarball(version);
      const logFile = join(tmp, `${tool}-${version}.log`);
      let ms;
      let detail;
      if (tool === 'wharf') {
        const { client, project, db, stack } = wharf;
        await client.ok('PATCH', `/api/v1/projects/${project.slug}/environments/${project.envId}/settings`, {
          parallelism,
        });
        await pushTarball(stack.url, project, version, t);
        const account = await cpuAccount(hosts, wharfPids);
        const ownBefore = { api: ownCpu([stack.apiPid]), worker: ownCpu([stack.workerPid]) };
        // Connected before the clock starts, as a dashboard left open would be.
        const follower = cfg.follow ? await startFollower(stack.url, client.cookie) : null;
        const meter = cpuMeter();
        const requestedAt = Date.now();
        const started = performance.now();
        const d = await client.ok('POST', `/api/v1/projects/${project.slug}/deployments`, {
          environmentId: project.envId,
          version,
        });
        follower?.follow(d.id);
        const done = await waitFinished(client, project.slug, d.id, { pollMs: 100, timeoutMs: cfg.runTimeoutMs });
        ms = performance.now() - started;
        const observedAt = Date.now();
        detail = meter();
        // The follower usually knew first; if not, it gets a little longer (not timed).
        const followed = follower ? await follower.final(5000) : null;
        follower?.close();
        await sleep(200); // let the sshds reap the closed sessions
        detail.cpuSeconds = await account();
        // Wharf's own part split by process: API, worker, and (the rest) their Postgres backends.
        const api = ownCpu([stack.apiPid]) - ownBefore.api;
        const worker = ownCpu([stack.workerPid]) - ownBefore.worker;
        const r2 = (x) => Math.round(x * 100) / 100;
        detail.wharfCpuSeconds = {
          api: r2(api),
          worker: r2(worker),
          postgres: r2(detail.cpuSeconds.localTool - api - worker),
        };
        if (done.state !== 'succeeded') throw new Error(`wharf deployment ${d.id} ${done.state}: ${done.error ?? ''}`);
        detail.breakdown = await wharfBreakdown(db, d.id, requestedAt, observedAt, followed?.at ?? undefined);
        // Beside the poll-seen time (`seconds`, what the targets are judged on): the time to
        // the deployment's own finishedAt (stamped by the worker, same clock), and to the
        // follower's first final status push.
        detail.secondsToFinishedAt = (detail.breakdown.finishedAt - requestedAt) / 1000;
        if (followed) {
          detail.secondsToFollower = followed.at === null ? null : (followed.at - requestedAt) / 1000;
          detail.follower = { state: followed.state, lineBatches: followed.lineBatches, error: followed.error };
        }
        detail.hostTimeline = detail.breakdown.timeline;
        delete detail.breakdown.timeline;
        detail.timeline = analyzeTimeline(detail.hostTimeline, parallelism);
        if (cfg.pollCost > 0) detail.pollCost = await measurePollCost(client, project.slug, d.id, cfg.pollCost);
        detail.deploymentId = d.id;
      } else if (tool === 'ansible') {
        const account = await cpuAccount(hosts);
        const meter = cpuMeter();
        const r = await runAnsible(cfg, hosts, ansible, { version, tarballPath: t.path, parallelism, logFile });
        ms = r.ms;
        detail = meter();
        await sleep(200);
        detail.cpuSeconds = await account();
        // "FAILED - RETRYING" lines: health-check attempts that had to wait for the next try.
        detail.healthRetries = ((await readFile(logFile, 'utf8')).match(/FAILED - RETRYING/g) ?? []).length;
      } else if (tool === 'pssh') {
        const account = await cpuAccount(hosts);
        const meter = cpuMeter();
        const r = await runTimed(
          'bash',
          [
            PSSH_SH,
            String(parallelism),
            psshHosts,
            t.path,
            version,
            hosts.clientPrivateKeyPath,
            hosts.knownHostsPath,
            String(cfg.healthIntervalS),
            String(cfg.healthAttempts),
          ],
          { env: { PATH: cfg.childPath, HOME: process.env.HOME ?? '/root' }, timeoutMs: cfg.runTimeoutMs, logFile },
        );
        ms = r.ms;
        detail = meter();
        await sleep(200);
        detail.cpuSeconds = await account();
      } else {
        const account = await cpuAccount(hosts);
        const meter = cpuMeter();
        const steps = tool === 'floor-wharf-steps' ? 'wharf' : 'minimal';
        const timelineFile = join(tmp, `${tool}-${version}.timeline`);
        const t0 = Date.now();
        const r = await runTimed(
          'bash',
          [
            FLOOR_SH,
            String(parallelism),
            floorHosts,
            t.path,
            version,
            hosts.clientPrivateKeyPath,
            hosts.knownHostsPath,
            String(cfg.healthIntervalS),
            String(cfg.healthAttempts),
            steps,
          ],
          {
            env: {
              PATH: cfg.childPath,
              HOME: process.env.HOME ?? '/root',
              ...(cfg.floorTimeline ? { FLOOR_TIMELINE: timelineFile } : {}),
            },
            timeoutMs: cfg.runTimeoutMs,
            logFile,
          },
        );
        ms = r.ms;
        detail = meter();
        await sleep(200);
        detail.cpuSeconds = await account();
        if (cfg.floorTimeline) {
          const tl = floorTimeline(await readFile(timelineFile, 'utf8'), t0, t0 + ms);
          detail.timeline = analyzeTimeline(tl, parallelism);
          detail.hostTimeline = tl;
        }
      }
      await expectServing(hosts, version);
      return { tool, parallelism, version, seconds: ms / 1000, ...detail };
    }

    const runs = [];
    if (cfg.warmup) {
      // First use of each tool (pm2 daemons, JIT, Python bytecode, page cache) is not timed.
      for (const tool of cfg.tools) {
        const version = `warm-${runId}-${tool}`;
        log(`warm-up: ${tool}`);
        const r = await runOnce(tool, cfg.parallelism[0], version);
        log(`warm-up: ${tool} ${r.seconds.toFixed(2)} s, ${r.cpuSeconds.totalCpuSeconds} CPU s (not counted)`);
      }
    }
    for (const p of cfg.parallelism) {
      for (let i = 0; i < cfg.runs; i++) {
        // Rotate the order each round so no tool always runs right after the same other one.
        const order = cfg.tools.map((_, k) => cfg.tools[(k + i) % cfg.tools.length]);
        for (const tool of order) {
          const version = `b${runId}-${tool}-p${p}-r${i + 1}`;
          const r = await runOnce(tool, p, version);
          runs.push(r);
          log(
            `parallelism ${p} run ${i + 1}/${cfg.runs}: ${tool.padEnd(17)} ${r.seconds.toFixed(2)} s, ${r.cpuSeconds.totalCpuSeconds} CPU s ` +
              `(host ssh ${r.cpuSeconds.hostSshSessions}, pm2 ${r.cpuSeconds.hostPm2}, tool ${r.cpuSeconds.localTool}` +
              (r.wharfCpuSeconds
                ? ` = API ${r.wharfCpuSeconds.api} + worker ${r.wharfCpuSeconds.worker} + Postgres ${r.wharfCpuSeconds.postgres}`
                : '') +
              (r.secondsToFinishedAt !== undefined
                ? `; to finishedAt ${r.secondsToFinishedAt.toFixed(2)} s` +
                  (r.secondsToFollower ? `, follower ${r.secondsToFollower.toFixed(2)} s` : '')
                : '') +
              (r.timeline
                ? `; first host +${r.timeline.firstHostStartMs} ms, idle slots ${r.timeline.slotGaps.sumMs} ms, last host->end ${r.timeline.lastHostEndToEndMs} ms`
                : '') +
              (r.pollCost
                ? `; per GET: API ${r.pollCost.apiMsPerGet} ms, Postgres ${r.pollCost.postgresMsPerGet} ms`
                : '') +
              `; machine busy ${r.cpuBusyPct}%, load ${r.loadAtStart})`,
          );
        }
      }
    }

    // --- report ---------------------------------------------------------------------------
    const summary = cfg.parallelism.map((p) => {
      const row = { parallelism: p };
      for (const tool of cfg.tools) {
        const rs = runs.filter((r) => r.tool === tool && r.parallelism === p);
        const xs = rs.map((r) => r.seconds);
        row[tool] = {
          medianSeconds: median(xs),
          loadAtStart: rs.map((r) => r.loadAtStart),
          runs: xs,
          medianCpuSeconds: median(rs.map((r) => r.cpuSeconds.totalCpuSeconds)),
        };
        if (tool === 'wharf') {
          // Information beside the poll-seen time the targets are judged on.
          row[tool].medianSecondsToFinishedAt = median(rs.map((r) => r.secondsToFinishedAt));
          const followed = rs.map((r) => r.secondsToFollower).filter((x) => typeof x === 'number');
          if (followed.length) row[tool].medianSecondsToFollower = median(followed);
        }
        const timed = rs.filter((r) => r.timeline);
        if (timed.length) row[tool].timelineOfMedianRun = medianRun(timed).timeline;
      }
      if (row.wharf && row.ansible) {
        const ratio = row.wharf.medianSeconds / row.ansible.medianSeconds;
        row.wharfOverAnsible = {
          ratio,
          target: `< ${TARGETS.wharfOverAnsible}`,
          pass: ratio < TARGETS.wharfOverAnsible,
        };
      }
      if (row.wharf && row.floor) {
        const ratio = row.wharf.medianSeconds / row.floor.medianSeconds;
        row.wharfOverFloor = { ratio, target: `<= ${TARGETS.wharfOverFloor}`, pass: ratio <= TARGETS.wharfOverFloor };
      }
      // The best plain tool (floor or parallel-ssh), by wall time and by CPU separately.
      const plain = [row.floor, row.pssh].filter(Boolean);
      if (row.wharf && plain.length) {
        const bestWall = Math.min(...plain.map((x) => x.medianSeconds));
        const bestCpu = Math.min(...plain.map((x) => x.medianCpuSeconds));
        const wall = row.wharf.medianSeconds / bestWall;
        const cpu = row.wharf.medianCpuSeconds / bestCpu;
        row.wharfOverBest = {
          ratio: wall,
          cpuRatio: cpu,
          target: `<= ${TARGETS.wharfOverBest} (wall and CPU)`,
          pass: wall <= TARGETS.wharfOverBest && cpu <= TARGETS.wharfOverBest,
          // Not judged: Wharf's time to its deployment's finishedAt (and to a live follower)
          // against the same best plain tool, whose time ends at process exit.
          finishedAtRatio: row.wharf.medianSecondsToFinishedAt / bestWall,
          ...(row.wharf.medianSecondsToFollower ? { followerRatio: row.wharf.medianSecondsToFollower / bestWall } : {}),
        };
      }
      if (row.wharf && row['floor-wharf-steps']) {
        // Information only: Wharf against a floor doing Wharf's own host-side steps.
        row.wharfOverFloorWharfSteps = { ratio: row.wharf.medianSeconds / row['floor-wharf-steps'].medianSeconds };
      }
      const wharfRuns = runs.filter((r) => r.tool === 'wharf' && r.parallelism === p && r.breakdown);
      if (wharfRuns.length) row.wharfBreakdownOfMedianRun = medianRun(wharfRuns).breakdown;
      return row;
    });
    const result = {
      at: new Date().toISOString(),
      hosts: cfg.hosts,
      baseAddress: cfg.baseAddress,
      runsPerCell: cfg.runs,
      warmup: cfg.warmup,
      healthIntervalSeconds: cfg.healthIntervalS,
      tarballBytes: (await tarball(`size-${runId}`)).size,
      summary,
      runs,
    };
    await mkdir(dirname(cfg.resultFile), { recursive: true });
    await writeFile(cfg.resultFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(renderTable(cfg, result));
    const failed = summary.some(
      (r) => r.wharfOverAnsible?.pass === false || r.wharfOverFloor?.pass === false || r.wharfOverBest?.pass === false,
    );
    return failed ? 3 : 0;
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function medianRun(rs) {
  const sorted = [...rs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) =>
      r
        .map((v, c) => String(v).padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Per-host timelines of each tool's median run (wharf always; floor with BENCH_TIMELINE=1). */
function renderTimelines(cfg, result) {
  const out = [];
  for (const r of result.summary) {
    const tools = cfg.tools.filter((t) => r[t]?.timelineOfMedianRun);
    if (!tools.length) continue;
    const tl = (t) => r[t].timelineOfMedianRun;
    const row = (label, f) => [label, ...tools.map((t) => f(tl(t)) ?? '-')];
    const phaseNames = [...new Set(tools.flatMap((t) => Object.keys(tl(t).phases)))];
    out.push(
      '',
      `timelines, parallelism ${r.parallelism} (median run of each tool; ms; wharf's end is poll-seen, the floor's process exit)`,
      table([
        ['', ...tools],
        row('run (t0 -> end)', (x) => x.spanMs),
        row('t0 -> first host starts', (x) => x.firstHostStartMs),
        row(`t0 -> window full (host ${r.parallelism} starts)`, (x) => x.windowFullMs),
        row('idle slots: sum', (x) => x.slotGaps.sumMs),
        row('idle slots: median / max', (x) => `${x.slotGaps.medianMs} / ${x.slotGaps.maxMs}`),
        row('last host ends -> end', (x) => x.lastHostEndToEndMs),
        row('hosts in flight (mean)', (x) => x.meanInFlight),
        row('per host (median)', (x) => x.hostMedianMs),
        ...phaseNames.map((p) =>
          row(p, (x) => (x.phases[p] ? `${x.phases[p].medianMs} (max ${x.phases[p].maxMs})` : null)),
        ),
        row('probes per host: median / max', (x) => `${x.probesPerHost.median} / ${x.probesPerHost.max}`),
        row('passing probe (announce -> healthy)', (x) => x.passingProbeMs.medianMs),
      ]),
    );
  }
  return out;
}

function renderTable(cfg, result) {
  const verdict = (x) => (x ? `${x.ratio.toFixed(2)} ${x.pass ? 'PASS' : 'FAIL'} (${x.target})` : 'n/a');
  const s = (x) => (x ? `${x.medianSeconds.toFixed(2)}` : '-');
  const out = [
    `ssh-fanout: ${cfg.hosts} hosts (${cfg.baseAddress}+), sample app ${result.tarballBytes} B, health interval ${cfg.healthIntervalS} s, median of ${cfg.runs} run(s), seconds`,
    '',
    table([
      [
        'parallelism',
        'wharf',
        'ansible',
        'floor',
        'pssh',
        'floor+wharf steps',
        'wharf/ansible',
        'wharf/floor',
        'wharf/best(floor,pssh)',
        'wharf/(floor+wharf steps)',
      ],
      ...result.summary.map((r) => [
        r.parallelism,
        s(r.wharf),
        s(r.ansible),
        s(r.floor),
        s(r.pssh),
        s(r['floor-wharf-steps']),
        verdict(r.wharfOverAnsible),
        verdict(r.wharfOverFloor),
        verdict(r.wharfOverBest),
        r.wharfOverFloorWharfSteps ? `${r.wharfOverFloorWharfSteps.ratio.toFixed(2)} (info)` : 'n/a',
      ]),
    ]),
  ];
  const c = (x) => (x ? x.medianCpuSeconds.toFixed(1) : '-');
  const cr = (a, b) => (a && b ? (a.medianCpuSeconds / b.medianCpuSeconds).toFixed(2) : 'n/a');
  out.push(
    '',
    'CPU seconds per release (host sessions + pm2 + the tool itself; median; less sensitive to other load than wall time)',
    table([
      [
        'parallelism',
        'wharf',
        'ansible',
        'floor',
        'pssh',
        'floor+wharf steps',
        'wharf/ansible',
        'wharf/floor',
        'wharf/best(floor,pssh)',
      ],
      ...result.summary.map((r) => [
        r.parallelism,
        c(r.wharf),
        c(r.ansible),
        c(r.floor),
        c(r.pssh),
        c(r['floor-wharf-steps']),
        cr(r.wharf, r.ansible),
        cr(r.wharf, r.floor),
        r.wharfOverBest ? r.wharfOverBest.cpuRatio.toFixed(2) : 'n/a',
      ]),
    ]),
    '',
    'wharf: when the release was known to be done (median seconds from the POST; the targets use the first column)',
    table([
      [
        'parallelism',
        'poll-seen (judged)',
        'finishedAt (worker)',
        'live follower',
        'ratios to best(floor,pssh) wall: poll / finishedAt / follower',
      ],
      ...result.summary
        .filter((r) => r.wharf)
        .map((r) => [
          r.parallelism,
          r.wharf.medianSeconds.toFixed(2),
          r.wharf.medianSecondsToFinishedAt.toFixed(2),
          r.wharf.medianSecondsToFollower?.toFixed(2) ?? '- (BENCH_FOLLOW=1)',
          r.wharfOverBest
            ? [r.wharfOverBest.ratio, r.wharfOverBest.finishedAtRatio, r.wharfOverBest.followerRatio]
                .map((x) => (x === undefined ? '-' : x.toFixed(3)))
                .join(' / ')
            : 'n/a',
        ]),
    ]),
    '',
    'load average (1 min) at the start of each run, per tool',
    ...result.summary.flatMap((r) =>
      cfg.tools.filter((t) => r[t]).map((t) => `  parallelism ${r.parallelism} ${t}: ${r[t].loadAtStart.join(', ')}`),
    ),
  );
  for (const r of result.summary) {
    const b = r.wharfBreakdownOfMedianRun;
    if (!b) continue;
    out.push(
      '',
      `wharf, parallelism ${r.parallelism} (median run): request->row ${b.requestToRowMs} ms, queue ${b.queueMs} ms, claim->first host ${b.claimToFirstTargetMs} ms (claim->first line ${b.claimToFirstLineMs} ms, executor->first host ${b.executorToFirstTargetMs} ms), run ${b.runMs} ms, ` +
        `last host->finishedAt ${b.lastTargetToFinishedMs} ms, finished->seen ${b.finishToObservedMs} ms` +
        (b.finishToFollowerMs === undefined ? '; ' : `, finished->follower ${b.finishToFollowerMs} ms; `) +
        `batches ${b.batches.map((x) => `${x.spanMs} ms`).join(' + ')}; per target median ${b.targetMedianMs} ms, max ${b.targetMaxMs} ms; ` +
        `health attempts median ${b.healthAttempts.median}, max ${b.healthAttempts.max}; ${b.logLines} log lines`,
      table([
        ['per-target step', 'median ms', 'max ms'],
        ...['target start -> first line', ...PHASE_ORDER]
          .filter((p) => b.phases[p])
          .map((p) => [p, b.phases[p].medianMs, b.phases[p].maxMs]),
      ]),
    );
  }
  out.push(...renderTimelines(cfg, result), '', `result: ${cfg.resultFile}`);
  return out.join('\n');
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`ssh-fanout: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  },
);
