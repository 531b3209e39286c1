// Plan rules, instance de-duplication and ordering, and discovery failures (ACLs) against the
// Consul simulator, without starting any service.
import { startConsulSim, type ConsulSim } from '@wharf/test-hosts/consul-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanValidationError } from '../errors.js';
import type { LogLine } from '../types.js';
import type { HealthEntry } from './consul-health.js';
import { consulState, instanceUrl, toInstances } from './instances.js';
import { createRollingRestartExecutor } from './rolling-restart.executor.js';
import { validateRollingRestartPlan, type RollingRestartPlan } from './rolling-restart.plan.js';

const SECRET = 'env-restart-secret-7f3a9c2e';

const entry = (id: string, node: string, port: number, status = 'passing', modifyIndex = 5): HealthEntry => ({
  Node: { Node: node, Address: '10.0.0.9' },
  Service: { ID: id, Service: 'shop', Address: '127.0.0.1', Port: port, ModifyIndex: modifyIndex },
  Checks: [
    { CheckID: 'serfHealth', Status: 'passing', ServiceID: '' },
    { CheckID: `service:${id}`, Status: status, ServiceID: id },
  ],
});

describe('toInstances', () => {
  it('merges the same instance registered on several agents; failing ones first, then by id', () => {
    const list = toInstances([
      entry('shop-b', 'agent-1', 3002),
      entry('shop-a', 'agent-1', 3001),
      entry('shop-a', 'agent-2', 3001, 'critical'),
      entry('shop-c', 'agent-2', 3003, 'critical'),
    ]);
    expect(list.map((i) => [i.key, i.nodes, i.passing])).toEqual([
      ['shop-c@127.0.0.1:3003', ['agent-2'], false],
      ['shop-a@127.0.0.1:3001', ['agent-1', 'agent-2'], true],
      ['shop-b@127.0.0.1:3002', ['agent-1'], true],
    ]);
  });

  it('uses the node address when the service has none, and brackets IPv6', () => {
    const e = entry('x', 'n', 80);
    e.Service.Address = '';
    expect(toInstances([e])[0]!.address).toBe('10.0.0.9');
    expect(instanceUrl({ address: '::1', port: 8080 }, '/health')).toBe('http://[::1]:8080/health');
  });

  it('counts only a registration newer than the restart as the instance coming back', () => {
    const key = 'shop-a@127.0.0.1:3001';
    expect(consulState([entry('shop-a', 'n', 3001, 'passing', 5)], key, 7)).toBe('absent');
    expect(consulState([entry('shop-a', 'n', 3001, 'critical', 9)], key, 7)).toBe('not_passing');
    expect(consulState([entry('shop-a', 'n', 3001, 'passing', 9)], key, 7)).toBe('passing');
  });
});

describe('rolling restart plan', () => {
  const plan = (over: Record<string, unknown> = {}, secret = SECRET): RollingRestartPlan => ({
    deploymentId: 'd',
    version: 'v1',
    restartSecret: secret,
    settings: {},
    targets: [{ id: 't', name: 'consul', consulUrl: 'http://127.0.0.1:8500', service: 'shop', ...over }],
  });

  it('fills the shared defaults', () => {
    const p = validateRollingRestartPlan(plan());
    expect(p.targets[0]).toMatchObject({
      pollIntervalMs: 10_000,
      maxPolls: 12,
      readinessDelaySeconds: 10,
      minHealthy: null,
    });
    expect(p.settings).toEqual({ onFailure: 'stop', requestTimeoutMs: 5000 });
  });

  it('refuses what the API refuses: a readiness delay over 120 s, a short restart secret', () => {
    expect(() => validateRollingRestartPlan(plan({ readinessDelaySeconds: 121 }))).toThrow(PlanValidationError);
    expect(() => validateRollingRestartPlan(plan({}, 'short'))).toThrow(/restartSecret must be at least 16/);
  });
});

describe('discovery failures', () => {
  let sim: ConsulSim;
  const executor = createRollingRestartExecutor();
  beforeAll(async () => {
    sim = await startConsulSim({ acl: { tokens: { 'acl-write-token-9': 'write', 'acl-read-token-9': 'read' } } });
    for (const [id, port] of [
      ['shop-1', 3001],
      ['shop-2', 3002],
    ] as const) {
      await fetch(`${sim.agents[0]!.url}/v1/agent/service/register`, {
        method: 'PUT',
        headers: { 'x-consul-token': 'acl-write-token-9' },
        body: JSON.stringify({ Name: 'shop', ID: id, Address: '127.0.0.1', Port: port }),
      });
    }
  });
  afterAll(() => sim.stop());

  const run = async (aclToken: string | null, over: Record<string, unknown> = {}) => {
    const logs: LogLine[] = [];
    const result = await executor.run(
      {
        deploymentId: 'd',
        version: 'v1',
        restartSecret: SECRET,
        settings: {},
        targets: [{ id: 't', name: 'consul', consulUrl: sim.agents[0]!.url, service: 'shop', aclToken, ...over }],
      },
      { log: (l) => logs.push(l) },
    );
    const text = logs.map((l) => l.text).join('\n');
    for (const secret of [SECRET, 'acl-write-token-9', 'acl-read-token-9', 'not-a-known-token']) {
      expect(text).not.toContain(secret);
    }
    return { result, text };
  };

  it('an unknown ACL token fails with Consul’s answer before any instance is touched', async () => {
    const { result } = await run('not-a-known-token');
    expect(result.targets[0]!.error).toEqual({
      code: 'consul_acl_denied',
      message: `Consul at ${sim.agents[0]!.url} refused the query (HTTP 403: ACL not found); check the ACL token`,
    });
    expect(result.instances).toEqual([]);
  });

  it('without a token the service looks missing, and the message says why', async () => {
    const { result } = await run(null);
    expect(result.targets[0]!.error?.code).toBe('service_not_found');
    expect(result.targets[0]!.error?.message).toContain('filtered by ACLs');
  });

  it('a read token lists the instances; a minimum that leaves none to restart is refused up front', async () => {
    const { result, text } = await run('acl-read-token-9', { minHealthy: 2 });
    expect(text).toContain('lists 2 registration(s), 2 instance(s)');
    expect(text).toContain('1. shop-1 at 127.0.0.1:3001, passing');
    expect(result.targets[0]!.error).toEqual({
      code: 'min_healthy',
      message: 'minHealthy is 2 but only 2 instance(s) exist: none can be restarted',
    });
    expect(result.instances.map((i) => i.state)).toEqual(['skipped', 'skipped']);
  });

  it('a tag or datacenter filter that matches nothing is a missing service', async () => {
    expect((await run('acl-read-token-9', { tag: 'blue' })).result.targets[0]!.error?.message).toBe(
      'Consul lists no instance of shop tagged blue',
    );
    const dc = await run('acl-read-token-9', { datacenter: 'dc9' });
    expect(dc.result.targets[0]!.error?.code).toBe('consul_error');
    expect(dc.result.targets[0]!.error?.message).toContain('No path to datacenter');
  });
});
