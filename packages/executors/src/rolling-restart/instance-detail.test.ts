// The page's view of a Consul rolling restart, through the worker's wrapper, with the real
// executor against the Consul simulator: the instances found are one detail, not 1 of N.
import type { RollingRestartTargetDetail } from '@wharf/shared';
import { freePort } from '@wharf/test-hosts';
import { startConsulSim, type ConsulSim } from '@wharf/test-hosts/consul-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetUpdate } from '../types.js';
import { withInstanceDetail } from './instance-detail.js';
import { createRollingRestartExecutor } from './rolling-restart.executor.js';

const SECRET = 'env-restart-secret-7f3a9c2e';

describe('withInstanceDetail', () => {
  let sim: ConsulSim;
  const ports: number[] = [];
  beforeAll(async () => {
    sim = await startConsulSim();
    // Ports nothing listens on: every restart call is refused, so no service is needed.
    for (const id of ['shop-1', 'shop-2', 'shop-3']) {
      const port = await freePort('127.0.0.1');
      ports.push(port);
      await fetch(`${sim.agents[0]!.url}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({ Name: 'shop', ID: id, Address: '127.0.0.1', Port: port }),
      });
    }
  });
  afterAll(() => sim.stop());

  it('writes every instance found as one detail, then the restart under way, and the target state last', async () => {
    const written: Array<{ detail: RollingRestartTargetDetail } | { target: TargetUpdate }> = [];
    const ctx = withInstanceDetail({
      log: () => undefined,
      onTargetDetail: (_id, d) => {
        if (d.kind === 'rolling-restart') written.push({ detail: structuredClone(d) });
      },
      onTargetUpdate: (u) => written.push({ target: u }),
    });
    // The first restart call is refused; the rollout stops (the default policy) and skips the rest.
    const result = await createRollingRestartExecutor().run(
      {
        deploymentId: 'd',
        version: 'v1',
        restartSecret: SECRET,
        settings: {},
        targets: [{ id: 't', name: 'consul', consulUrl: sim.agents[0]!.url, service: 'shop' }],
      },
      ctx,
    );
    expect(result.targets[0]!.error?.code).toBe('restart_refused');
    const summary = written.map((w) =>
      'detail' in w ? w.detail.instances.map((i) => `${i.position}:${i.state}`).join(' ') : `target ${w.target.state}`,
    );
    expect(summary).toEqual([
      'target running',
      '1:pending 2:pending 3:pending',
      '1:restarting 2:pending 3:pending',
      '1:skipped 2:skipped 3:skipped',
      'target failed',
    ]);
    const first = written[1] as { detail: RollingRestartTargetDetail };
    expect(first.detail.instances.map((i) => i.instance)).toEqual(
      ['shop-1', 'shop-2', 'shop-3'].map((id, i) => `${id}@127.0.0.1:${ports[i]}`),
    );
  });

  it('keeps updates made after an await as details of their own', async () => {
    const details: RollingRestartTargetDetail[] = [];
    const ctx = withInstanceDetail({
      log: () => undefined,
      onTargetDetail: (_id, d) => {
        if (d.kind === 'rolling-restart') details.push(structuredClone(d));
      },
    });
    const base = { targetId: 't', serviceId: 'a', address: '127.0.0.1', port: 1, position: 1, polls: 0 };
    const at = new Date('2026-12-01T00:00:00Z');
    ctx.onInstanceUpdate!({ ...base, instance: 'a', state: 'pending', startedAt: null, finishedAt: null });
    await Promise.resolve();
    ctx.onInstanceUpdate!({ ...base, instance: 'a', state: 'restarting', startedAt: at, finishedAt: null });
    await Promise.resolve();
    ctx.onInstanceUpdate!({ ...base, instance: 'a', state: 'waiting', startedAt: at, finishedAt: null });
    await Promise.resolve();
    expect(details.map((d) => d.instances[0]!.state)).toEqual(['pending', 'restarting', 'waiting']);
    expect(details[1]!.instances[0]!.startedAt).toBe('2026-12-01T00:00:00.000Z');
  });
});
