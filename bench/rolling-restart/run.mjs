// Rolling restart under load: Wharf's rolling-restart executor with @wharf/service-kit
// services, against the article's script and service pattern (shared/seed), on the same
// machine in the same run. Both restart N instances under pm2, registered in the Consul
// simulator, while clients send requests through a Consul-aware load balancer. For Wharf it
// also measures each instance's own restart time (restart sent -> passing again in Consul):
// their sum is the floor for one at a time, and what Wharf adds beyond it is its overhead.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRollingRestartExecutor } from '@wharf/executors';
import { startConsulLb, startConsulSim, startLoad } from '@wharf/test-hosts/consul-sim';
import { articleRestart } from './article-restart.mjs';
import { loadConfig } from './config.mjs';
import { SECRET, startServices } from './services.mjs';

const cfg = loadConfig();
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const SERVICE = 'shop';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const progress = (text) => process.stderr.write(`${text}\n`);

// pm2 daemons and services outlive this process unless stopped: stop them on Ctrl-C too.
const cleanups = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    progress(`${sig}: stopping the services`);
    void Promise.allSettled([...cleanups].map((fn) => fn())).then(() => process.exit(130));
  });
}

async function side(kind) {
  progress(`${kind}: starting ${cfg.instances} services under pm2`);
  const sim = await startConsulSim({ agents: 2 });
  const stopSim = () => sim.stop();
  cleanups.add(stopSim);
  const services = await startServices({
    kind,
    count: cfg.instances,
    sim,
    service: SERVICE,
    graceMs: cfg.graceMs,
    bootMs: cfg.bootMs,
  });
  const stopServices = () => services.stop();
  cleanups.add(stopServices);
  const lb = await startConsulLb({ consulUrl: sim.agents[1].url, service: SERVICE, wait: '5s' });
  try {
    await lb.waitForBackends((b) => b.length === cfg.instances);
    const startsBefore = await services.starts();
    const count = (passing) => new Set(sim.health(SERVICE, { passing }).map((e) => e.Service.ID)).size;
    let minPassing = Infinity;
    let minRegistered = Infinity;
    // Each instance's own restart time, seen from Consul: from the moment the executor starts
    // restarting it until it is passing under a new registration (what the executor waits for).
    const restarts = new Map(); // service id -> { t0, sinceIndex, back }
    const sampler = setInterval(() => {
      minPassing = Math.min(minPassing, count(true));
      minRegistered = Math.min(minRegistered, count(false));
      const entries = sim.health(SERVICE);
      const now = performance.now();
      for (const [id, r] of restarts) {
        if (r.back !== null) continue;
        const fresh = entries.some(
          (e) =>
            e.Service.ID === id &&
            e.Service.ModifyIndex > r.sinceIndex &&
            e.Checks.every((c) => c.Status === 'passing'),
        );
        if (fresh) r.back = now;
      }
    }, 5);
    const onInstanceUpdate = (u) => {
      if (u.state === 'restarting' && !restarts.has(u.serviceId))
        restarts.set(u.serviceId, { t0: performance.now(), sinceIndex: sim.index(), back: null, healthy: null });
      if (u.state === 'healthy' && restarts.has(u.serviceId)) restarts.get(u.serviceId).healthy = performance.now();
    };
    const load = startLoad({ url: lb.url, concurrency: cfg.concurrency });
    await sleep(300);
    progress(`${kind}: restarting under load`);
    const t0 = performance.now();
    let outcome;
    if (kind === 'kit') {
      const result = await createRollingRestartExecutor().run(
        {
          deploymentId: 'bench',
          version: 'v1',
          restartSecret: SECRET,
          settings: { onFailure: 'continue', requestTimeoutMs: 2000 },
          targets: [
            {
              id: 't',
              name: 'consul',
              consulUrl: sim.agents[0].url,
              agents: [sim.agents[1].url],
              service: SERVICE,
              pollIntervalMs: cfg.pollMs,
              maxPolls: cfg.maxPolls,
              readinessDelaySeconds: 0,
            },
          ],
        },
        { log: () => {}, onInstanceUpdate },
      );
      outcome = result.state;
    } else {
      await articleRestart({
        consulUrl: sim.agents[0].url,
        service: SERVICE,
        pollMs: cfg.pollMs,
        maxPolls: cfg.maxPolls,
        log: () => {},
      });
      outcome = 'done';
    }
    const seconds = (performance.now() - t0) / 1000;
    await sleep(1500); // the last instance comes back
    clearInterval(sampler);
    const stats = await load.stop();
    const own = [...restarts.values()].map((r) => (r.back === null ? null : r.back - r.t0));
    const ownKnown = own.every((ms) => ms !== null);
    const ownSumSeconds = ownKnown ? own.reduce((a, b) => a + b, 0) / 1000 : null;
    const restartTimes = ownKnown
      ? {
          ownRestartSecondsSum: Number(ownSumSeconds.toFixed(2)),
          ownRestartMs: { min: Math.round(Math.min(...own)), max: Math.round(Math.max(...own)) },
          overheadMsPerInstance: Math.round(((seconds - ownSumSeconds) * 1000) / cfg.instances),
          ...overheadParts([...restarts.values()]),
        }
      : {};
    return {
      ...restartTimes,
      kind,
      outcome,
      seconds: Number(seconds.toFixed(2)),
      requests: stats.total,
      failed: stats.failed,
      firstFailures: stats.failures.slice(0, 3),
      restarts: (await services.starts()) - startsBefore,
      minPassing,
      minRegistered,
      registeredAtEnd: count(false),
    };
  } finally {
    await lb.stop();
    await services.stop();
    await sim.stop();
    cleanups.delete(stopServices);
    cleanups.delete(stopSim);
  }
}

/**
 * Where the overhead goes, on average per instance: from the instance passing in Consul until
 * Wharf marks it healthy (detection), and from then until the next restart starts (the
 * minimum-healthy query).
 */
function overheadParts(rows) {
  const avg = (xs) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
  const detect = rows.filter((r) => r.back !== null && r.healthy !== null).map((r) => r.healthy - r.back);
  const gaps = rows.slice(1).map((r, i) => r.t0 - rows[i].healthy);
  return { detectMsAvg: avg(detect), nextStartMsAvg: avg(gaps) };
}

const wharf = await side('kit');
const article = await side('article');
const n = cfg.instances;
const checks = [
  ['Wharf: no failed request', wharf.failed === 0],
  [`Wharf: every instance restarted once (${n})`, wharf.restarts === n],
  [`Wharf: at least ${n - 1} instances registered throughout`, wharf.minRegistered >= n - 1],
  [`Wharf: all ${n} registered at the end`, wharf.registeredAtEnd === n],
  [
    `Wharf: overhead under ${cfg.overheadTargetMs} ms per instance (${wharf.overheadMsPerInstance ?? '?'} ms)`,
    wharf.overheadMsPerInstance !== undefined && wharf.overheadMsPerInstance < cfg.overheadTargetMs,
  ],
];
console.log(`rolling restart of ${n} instances, poll every ${cfg.pollMs} ms, ${cfg.concurrency} clients\n`);
console.log('| | Wharf + service kit | article script + pattern |');
console.log('| --- | --- | --- |');
for (const [label, key] of [
  ['restart time (s)', 'seconds'],
  ['requests', 'requests'],
  ['failed requests', 'failed'],
  ['process restarts', 'restarts'],
  ['fewest passing instances', 'minPassing'],
  ['fewest registered instances', 'minRegistered'],
  ['registered at the end', 'registeredAtEnd'],
]) {
  console.log(`| ${label} | ${wharf[key]} | ${article[key]} |`);
}
console.log('');
console.log(
  `Wharf: instances' own restart time ${wharf.ownRestartMs?.min}-${wharf.ownRestartMs?.max} ms, ` +
    `sum ${wharf.ownRestartSecondsSum} s (the floor one at a time); total ${wharf.seconds} s; ` +
    `overhead ${wharf.overheadMsPerInstance} ms per instance ` +
    `(on average ${wharf.detectMsAvg} ms to see an instance healthy, ${wharf.nextStartMsAvg} ms to start the next)\n`,
);
for (const [label, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'} ${label}`);
await mkdir(RESULTS, { recursive: true });
await writeFile(join(RESULTS, 'rolling-restart.json'), `${JSON.stringify({ config: cfg, wharf, article }, null, 2)}\n`);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
