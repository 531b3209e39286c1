// The rolling-restart executor against real services built on @wharf/service-kit, run under
// pm2 on loopback and registered in the Consul simulator (two agents sharing one catalog).
import { startConsulLb, startConsulSim, startLoad, type ConsulSim } from '@wharf/test-hosts/consul-sim';
import type { RollingRestartTargetDetail } from '@wharf/shared';
import { freePort } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../types.js';
import { startKitServices, type KitServices } from './kit-services.fixture.js';
import { createRollingRestartExecutor } from './rolling-restart.executor.js';
import type { RollingRestartPlan } from './rolling-restart.plan.js';
import { withInstanceDetail } from './instance-detail.js';
import type { InstanceUpdate } from './rolling-restart.types.js';

const SECRET = 'env-restart-secret-7f3a9c2e';
const executor = createRollingRestartExecutor();

function planFor(
  sim: ConsulSim,
  service: string,
  over: Partial<RollingRestartPlan['targets'][number]> = {},
  onFailure: 'stop' | 'continue' = 'stop',
): RollingRestartPlan {
  return {
    deploymentId: 'dep-1',
    version: 'v2',
    restartSecret: SECRET,
    settings: { onFailure, requestTimeoutMs: 2000 },
    targets: [
      {
        id: 'target-1',
        name: 'consul',
        consulUrl: sim.agents[0]!.url,
        agents: sim.agents.slice(1).map((a) => a.url),
        service,
        pollIntervalMs: 100,
        maxPolls: 50,
        readinessDelaySeconds: 0,
        ...over,
      },
    ],
  };
}

async function runPlan(plan: RollingRestartPlan, signal?: AbortSignal, onUpdate?: (u: InstanceUpdate) => void) {
  const logs: LogLine[] = [];
  const updates: InstanceUpdate[] = [];
  // What the deployment page gets, through the same wrapper the worker uses.
  const details: RollingRestartTargetDetail[] = [];
  const ctx = withInstanceDetail({
    log: (l) => logs.push(l),
    onTargetDetail: (_id, d) => {
      if (d.kind === 'rolling-restart') details.push(structuredClone(d));
    },
    ...(signal ? { signal } : {}),
  });
  const result = await executor.run(plan, {
    ...ctx,
    onInstanceUpdate: (u) => {
      updates.push(u);
      onUpdate?.(u);
      ctx.onInstanceUpdate?.(u);
    },
  });
  const text = logs.map((l) => l.text).join('\n');
  // Secrets never reach a log line.
  expect(text).not.toContain(SECRET);
  return { result, logs, text, updates, details };
}

/** Each instance's states in the order reported, repeats (one per poll) folded. */
function stateSequences(updates: InstanceUpdate[]): Record<string, string[]> {
  const seq: Record<string, string[]> = {};
  for (const u of updates) {
    const s = (seq[u.serviceId] ??= []);
    if (s[s.length - 1] !== u.state) s.push(u.state);
  }
  return seq;
}

const statesByInstance = (result: { instances: InstanceUpdate[] }) =>
  Object.fromEntries(result.instances.map((i) => [i.serviceId, i.state]));

describe('rolling restart of kit services under pm2', () => {
  let sim: ConsulSim;
  let ks: KitServices;
  beforeAll(async () => {
    sim = await startConsulSim({ agents: 2 });
    ks = await startKitServices({ sim, count: 5, service: 'shop', secret: SECRET });
  });
  afterAll(async () => {
    await ks?.stop();
    await sim?.stop();
  });

  it('restarts 5 instances one at a time with no failed request, an instance on two agents once, siblings kept', async () => {
    // A stale copy of shop-1 on the second agent, as when a pod once registered elsewhere.
    const s1 = ks.services[0]!;
    await fetch(`${sim.agents[1]!.url}/v1/agent/service/register`, {
      method: 'PUT',
      body: JSON.stringify({ Name: 'shop', ID: s1.id, Address: '127.0.0.1', Port: s1.port }),
    });
    const startsBefore = await Promise.all(ks.services.map((s) => ks.starts(s)));
    const lb = await startConsulLb({ consulUrl: sim.agents[1]!.url, service: 'shop', wait: '5s' });
    await lb.waitForBackends((b) => b.length === 5);
    // How many instances Consul lists at any moment: a starting one must never remove its siblings.
    let minRegistered = Infinity;
    const sampler = setInterval(() => {
      minRegistered = Math.min(minRegistered, new Set(sim.health('shop').map((e) => e.Service.ID)).size);
    }, 5);
    const load = startLoad({ url: lb.url, concurrency: 4 });
    let inFlight = 0;
    let maxInFlight = 0;
    const active = new Set<string>();
    try {
      const { result, text, updates, details } = await runPlan(
        planFor(sim, 'shop', { readinessDelaySeconds: 0.2 }),
        undefined,
        (u) => {
          if (u.state === 'restarting' || u.state === 'waiting') active.add(u.instance);
          else active.delete(u.instance);
          inFlight = active.size;
          maxInFlight = Math.max(maxInFlight, inFlight);
        },
      );
      const stats = await load.stop();
      expect(stats.failures).toEqual([]);
      expect(stats.failed).toBe(0);
      expect(stats.total).toBeGreaterThan(200);
      expect(result.state).toBe('succeeded');
      expect(result.targets[0]!.state).toBe('succeeded');
      expect(result.instances.map((i) => i.serviceId)).toEqual(ks.services.map((s) => s.id));
      expect(result.instances.every((i) => i.state === 'healthy' && i.polls >= 1)).toBe(true);
      expect(maxInFlight).toBe(1);
      // Each instance restarted exactly once, the duplicate included.
      const startsAfter = await Promise.all(ks.services.map((s) => ks.starts(s)));
      expect(startsAfter).toEqual(startsBefore.map((n) => n + 1));
      expect(text).toContain(
        `${s1.id} at 127.0.0.1:${s1.port}, passing (registered on 2 agents: consul-agent-1, consul-agent-2; restarted once)`,
      );
      expect(text).toContain('5 of 5 restarted and healthy');
      expect(text.match(/waiting 0.2 s for readiness/g)).toHaveLength(4); // not after the last one
      expect(updates.filter((u) => u.state === 'healthy').map((u) => u.position)).toEqual([1, 2, 3, 4, 5]);
      // Every instance found is reported pending at once, in restart order, before any restart;
      // then each goes pending → restarting → waiting → healthy.
      expect(updates.slice(0, 5).map((u) => [u.position, u.state])).toEqual([1, 2, 3, 4, 5].map((p) => [p, 'pending']));
      expect(Object.values(stateSequences(updates))).toEqual(
        Array.from({ length: 5 }, () => ['pending', 'restarting', 'waiting', 'healthy']),
      );
      // The page's first detail lists all 5 (not 1 of 5), and it sees each restart call under way.
      expect(details[0]!.instances.map((i) => i.state)).toEqual(Array(5).fill('pending'));
      expect(details.every((d) => d.instances.length === 5)).toBe(true);
      for (const p of [1, 2, 3, 4, 5]) {
        expect(details.some((d) => d.instances.find((i) => i.position === p)?.state === 'restarting')).toBe(true);
      }
      expect(details[details.length - 1]!.instances.every((i) => i.state === 'healthy')).toBe(true);
      // The restarted shop-1 removed its own stale copy; no sibling was ever removed.
      expect(
        sim
          .catalog('shop')
          .filter((n) => n.ServiceID === s1.id)
          .map((n) => n.Node),
      ).toEqual(['consul-agent-1']);
      expect(minRegistered).toBeGreaterThanOrEqual(4);
      // Traffic reached every instance.
      expect([...stats.byBackend.keys()].sort()).toEqual(ks.services.map((s) => `127.0.0.1:${s.port}`).sort());
    } finally {
      clearInterval(sampler);
      await load.stop();
      await lb.stop();
    }
  });

  it('fails before touching any instance when Consul is unreachable or the service is missing', async () => {
    const before = await Promise.all(ks.services.map((s) => ks.starts(s)));
    const closed = await freePort('127.0.0.1');
    const down = await runPlan(planFor(sim, 'shop', { consulUrl: `http://127.0.0.1:${closed}`, agents: [] }));
    expect(down.result.state).toBe('failed');
    expect(down.result.targets[0]!.error).toEqual({
      code: 'consul_unreachable',
      message: `no Consul agent answered: http://127.0.0.1:${closed} (ECONNREFUSED)`,
    });
    expect(down.result.instances).toEqual([]);
    const missing = await runPlan(planFor(sim, 'no-such-service'));
    expect(missing.result.targets[0]!.error?.code).toBe('service_not_found');
    expect(await Promise.all(ks.services.map((s) => ks.starts(s)))).toEqual(before);
  });

  it('uses the next agent when the first does not answer', async () => {
    await sim.agents[0]!.stop();
    try {
      const { result, text } = await runPlan(planFor(sim, 'shop', { minHealthy: 5 }));
      // minHealthy 5 of 5: refused before touching anything, but discovery went through agent 2.
      expect(text).toContain(`${sim.agents[1]!.url} lists`);
      expect(result.targets[0]!.error?.code).toBe('min_healthy');
      expect(result.instances.every((i) => i.state === 'skipped')).toBe(true);
    } finally {
      await sim.agents[0]!.start();
    }
  });

  it('stops before the next instance when cancelled', async () => {
    const before = await Promise.all(ks.services.map((s) => ks.starts(s)));
    const ac = new AbortController();
    const { result, text } = await runPlan(planFor(sim, 'shop'), ac.signal, (u) => {
      if (u.position === 2 && u.state === 'healthy') ac.abort();
    });
    expect(result.state).toBe('cancelled');
    expect(result.targets[0]!.state).toBe('cancelled');
    expect(result.instances.map((i) => i.state)).toEqual(['healthy', 'healthy', 'cancelled', 'cancelled', 'cancelled']);
    const after = await Promise.all(ks.services.map((s) => ks.starts(s)));
    expect(after).toEqual([before[0]! + 1, before[1]! + 1, before[2], before[3], before[4]]);
    expect(text).toContain('2 of 5 restarted and healthy, 0 failed, 0 skipped, 3 cancelled');
    await ks.waitAllPassing();
  });
});

describe('rolling restart when instances refuse or never come back', () => {
  let sim: ConsulSim;
  let ks: KitServices;
  // shop-3 was deployed with another restart secret than the environment's.
  beforeAll(async () => {
    sim = await startConsulSim({ agents: 1 });
    ks = await startKitServices({ sim, count: 3, service: 'cart', secret: SECRET, wrongSecret: [3] });
  });
  afterAll(async () => {
    await ks?.stop();
    await sim?.stop();
  });
  const repair = async (): Promise<void> => {
    await ks.breakNextStart(ks.services[0]!, false);
    await ks.pm2Restart(ks.services[0]!);
    await ks.waitAllPassing();
  };

  it('gives up after maxPolls and stops (policy stop); the rest is not touched', async () => {
    await ks.breakNextStart(ks.services[0]!);
    const before = await Promise.all(ks.services.map((s) => ks.starts(s)));
    try {
      const { result, text } = await runPlan(planFor(sim, 'cart', { maxPolls: 40 }), undefined);
      expect(statesByInstance(result)).toEqual({
        'cart-test-cart-1': 'failed',
        'cart-test-cart-2': 'skipped',
        'cart-test-cart-3': 'skipped',
      });
      expect(result.instances[0]!.polls).toBe(40);
      expect(result.instances[0]!.error?.code).toBe('health_timeout');
      expect(text).toContain('poll 40/40: http://127.0.0.1:');
      // It came back (a new process, registered again) but never ready.
      expect(text).toMatch(
        /poll \d+\/40: \S+ HTTP 503 \{"status":"not_ready".*; Consul: registered again, check not passing yet/,
      );
      const after = await Promise.all(ks.services.map((s) => ks.starts(s)));
      expect(after.slice(1)).toEqual(before.slice(1));
    } finally {
      await repair();
    }
  });

  it('with policy continue, still never leaves fewer than the minimum healthy (default all but one)', async () => {
    await ks.breakNextStart(ks.services[0]!);
    try {
      const { result, text } = await runPlan(planFor(sim, 'cart', { maxPolls: 5 }, 'continue'));
      expect(statesByInstance(result)).toEqual({
        'cart-test-cart-1': 'failed',
        'cart-test-cart-2': 'skipped',
        'cart-test-cart-3': 'skipped',
      });
      expect(result.instances[1]!.error?.code).toBe('min_healthy');
      expect(text).toContain(
        'not restarting cart-test-cart-2: 2 instance(s) are healthy now, restarting it would leave 1, the minimum is 2',
      );
    } finally {
      await repair();
    }
  });

  it('with policy continue and minHealthy 1: goes on; a refused restart (wrong secret) is skipped and reported', async () => {
    await ks.breakNextStart(ks.services[0]!);
    const before = await Promise.all(ks.services.map((s) => ks.starts(s)));
    try {
      const { result, text } = await runPlan(planFor(sim, 'cart', { maxPolls: 40, minHealthy: 1 }, 'continue'));
      expect(statesByInstance(result)).toEqual({
        'cart-test-cart-1': 'failed',
        'cart-test-cart-2': 'healthy',
        'cart-test-cart-3': 'skipped',
      });
      expect(result.instances[2]!.error).toEqual({
        code: 'restart_refused',
        message: 'restart call failed (HTTP 403 {"error":"wrong_secret"}); instance skipped',
      });
      expect(result.state).toBe('failed');
      expect(result.targets[0]!.error?.message).toMatch(
        /^1 of 3 restarted and healthy, 1 failed, 1 skipped, 0 cancelled/,
      );
      expect(text).toContain('[cart-test-cart-3] restart call failed (HTTP 403');
      const after = await Promise.all(ks.services.map((s) => ks.starts(s)));
      expect(after).toEqual([before[0]! + 1, before[1]! + 1, before[2]]);
    } finally {
      await repair();
    }
  });
});
