// The simulator checked with the client most Node teams use (`consul` on npm) and with raw
// HTTP against the shapes in Consul's API docs (health.mdx, catalog.mdx, agent/service.mdx).
import Consul from 'consul';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startConsulSim, type ConsulSim } from './consul-sim.js';
import { parseDuration } from './duration.js';

/** A tiny service whose /health answers `status` (changeable). */
async function fakeService(): Promise<{ port: number; status: number; close(): Promise<void> }> {
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? state.status : 404).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    get status() {
      return state.status;
    },
    set status(v: number) {
      state.status = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function client(url: string, token?: string): Consul {
  const u = new URL(url);
  return new Consul({ host: u.hostname, port: Number(u.port), ...(token ? { defaults: { token } } : {}) });
}

async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(v)}`);
    await sleep(25);
  }
}

const check = (port: number, extra: Record<string, string> = {}) => ({
  name: 'http health',
  http: `http://127.0.0.1:${port}/health`,
  interval: '50ms',
  timeout: '1s',
  ...extra,
});

describe('consul simulator', () => {
  let sim: ConsulSim;
  let svc: Awaited<ReturnType<typeof fakeService>>;
  const clients: Consul[] = [];
  const c = (i: number, token?: string): Consul => {
    const x = client(sim.agents[i]!.url, token);
    clients.push(x);
    return x;
  };

  beforeAll(async () => {
    sim = await startConsulSim({ agents: 2 });
    svc = await fakeService();
  });
  afterAll(async () => {
    for (const x of clients) x.destroy();
    await svc.close();
    await sim.stop();
  });
  afterEach(async () => {
    svc.status = 200;
    for (const a of sim.agents) {
      const list = (await fetch(`${a.url}/v1/agent/services`).then((r) => r.json())) as Record<string, unknown>;
      for (const id of Object.keys(list)) await fetch(`${a.url}/v1/agent/service/deregister/${id}`, { method: 'PUT' });
    }
  });

  it('registers through the consul client; health.service with passing lists it once its HTTP check passes', async () => {
    await c(0).agent.service.register({
      name: 'web',
      id: 'web-1',
      address: '127.0.0.1',
      port: svc.port,
      tags: ['blue'],
      meta: { boot: 'a' },
      check: check(svc.port),
    });
    // A new check starts critical, as in Consul, until its first run passes.
    const entries = await until(
      () => c(1).health.service({ service: 'web', passing: true }),
      (v) => v.length === 1,
    );
    const e = entries[0] as {
      Node: Record<string, unknown>;
      Service: Record<string, unknown>;
      Checks: Record<string, unknown>[];
    };
    // Field names of the documented sample response (health.mdx), less enterprise-only Namespace.
    expect(Object.keys(e).sort()).toEqual(['Checks', 'Node', 'Service']);
    expect(e.Node).toMatchObject({ Node: 'consul-agent-1', Address: '127.0.0.1', Datacenter: 'dc1' });
    expect(Object.keys(e.Node)).toEqual(
      expect.arrayContaining(['ID', 'Node', 'Address', 'Datacenter', 'TaggedAddresses', 'Meta']),
    );
    expect(e.Service).toMatchObject({
      ID: 'web-1',
      Service: 'web',
      Tags: ['blue'],
      Address: '127.0.0.1',
      Port: svc.port,
      Meta: { boot: 'a' },
      Weights: { Passing: 1, Warning: 1 },
    });
    expect(e.Service.ModifyIndex).toEqual(expect.any(Number));
    expect(e.Checks.map((x) => [x.CheckID, x.Status, x.ServiceID])).toEqual([
      ['serfHealth', 'passing', ''],
      ['service:web-1', 'passing', 'web-1'],
    ]);
    expect(e.Checks[1]).toMatchObject({ Node: 'consul-agent-1', Name: 'http health', ServiceName: 'web' });
    expect(String(e.Checks[1]!.Output)).toContain(`HTTP GET http://127.0.0.1:${svc.port}/health: 200`);

    const nodes = (await c(1).catalog.service.nodes('web')) as Record<string, unknown>[];
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      Node: 'consul-agent-1',
      Address: '127.0.0.1',
      Datacenter: 'dc1',
      ServiceID: 'web-1',
      ServiceName: 'web',
      ServiceTags: ['blue'],
      ServiceAddress: '127.0.0.1',
      ServicePort: svc.port,
      ServiceMeta: { boot: 'a' },
      ServiceEnableTagOverride: false,
    });
    expect(await c(0).catalog.service.list()).toEqual({ consul: [], web: ['blue'] });
  });

  it('marks a check critical when the service stops answering 2xx and drops it from ?passing', async () => {
    await c(0).agent.service.register({
      name: 'web',
      id: 'web-1',
      address: '127.0.0.1',
      port: svc.port,
      check: check(svc.port),
    });
    await until(
      () => sim.health('web', { passing: true }),
      (v) => v.length === 1,
    );
    svc.status = 500;
    await until(
      () => c(0).health.service({ service: 'web', passing: true }),
      (v) => v.length === 0,
    );
    const all = await c(0).health.service('web');
    expect(all).toHaveLength(1);
    expect((all[0] as { Checks: { Status: string }[] }).Checks[1]!.Status).toBe('critical');
    svc.status = 429;
    await until(
      () => sim.health('web')[0]!.Checks[1]!.Status,
      (s) => s === 'warning',
    );
    expect(sim.health('web', { passing: true })).toEqual([]); // warning is not passing
  });

  it('removes a service whose check stays critical for DeregisterCriticalServiceAfter', async () => {
    svc.status = 503;
    await c(0).agent.service.register({
      name: 'web',
      id: 'web-1',
      port: svc.port,
      check: check(svc.port, { deregistercriticalserviceafter: '200ms' }),
    });
    expect(sim.health('web')).toHaveLength(1);
    await until(
      () => sim.health('web'),
      (v) => v.length === 0,
      3000,
    );
  });

  it('shares one catalog between agents: the same id on two agents is two entries, deregister is per agent', async () => {
    const def = { name: 'web', id: 'web-1', address: '127.0.0.1', port: svc.port, check: check(svc.port) };
    await c(0).agent.service.register(def);
    await c(1).agent.service.register(def);
    const nodes = (await c(0).catalog.service.nodes('web')) as { Node: string; ServiceID: string }[];
    expect(nodes.map((n) => [n.Node, n.ServiceID])).toEqual([
      ['consul-agent-1', 'web-1'],
      ['consul-agent-2', 'web-1'],
    ]);
    expect(Object.keys(await c(1).agent.service.list())).toEqual(['web-1']);
    await c(1).agent.service.deregister('web-1');
    expect(sim.catalog('web').map((n) => n.Node)).toEqual(['consul-agent-1']);
    // Deregistering what an agent does not hold is a 404 with Consul's text.
    const r = await fetch(`${sim.agents[1]!.url}/v1/agent/service/deregister/web-1`, { method: 'PUT' });
    expect(r.status).toBe(404);
    expect(await r.text()).toBe(
      'Unknown service ID "web-1". Ensure that the service ID is passed, not the service name.',
    );
    // The client reports texts of 80 characters or more by their status (papi), as with Consul.
    await expect(c(1).agent.service.deregister('web-1')).rejects.toMatchObject({
      response: { statusCode: 404 },
    });
  });

  it('filters by tag, refuses an unknown datacenter and bad input like Consul', async () => {
    await c(0).agent.service.register({ name: 'web', id: 'web-a', port: 1, tags: ['a'] });
    await c(0).agent.service.register({ name: 'web', id: 'web-b', port: 2, tags: ['b'] });
    expect(
      ((await c(0).health.service({ service: 'web', tag: 'b' })) as { Service: { ID: string } }[]).map(
        (e) => e.Service.ID,
      ),
    ).toEqual(['web-b']);
    // A service without checks is passing (only serfHealth).
    expect(sim.health('web', { passing: true })).toHaveLength(2);
    await expect(c(0).health.service({ service: 'web', dc: 'dc9' })).rejects.toThrow(/No path to datacenter/);
    const bad = await fetch(`${sim.agents[0]!.url}/v1/agent/service/register`, { method: 'PUT', body: '{"Port": 1}' });
    expect([bad.status, await bad.text()]).toEqual([400, 'Missing service name']);
    const ttl = await fetch(`${sim.agents[0]!.url}/v1/agent/service/register`, {
      method: 'PUT',
      body: JSON.stringify({ Name: 'x', Check: { TTL: '10s' } }),
    });
    expect(ttl.status).toBe(400);
  });

  it('answers blocking queries: X-Consul-Index, waits for a change or for `wait`', async () => {
    const url = `${sim.agents[1]!.url}/v1/health/service/web`;
    const first = await fetch(url);
    const index = Number(first.headers.get('x-consul-index'));
    expect(index).toBe(sim.index());
    expect(first.headers.get('x-consul-knownleader')).toBe('true');

    const t0 = Date.now();
    const idle = await fetch(`${url}?index=${index}&wait=200ms`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(Number(idle.headers.get('x-consul-index'))).toBe(index);

    const t1 = Date.now();
    const pending = fetch(`${url}?index=${index}&wait=10s`);
    await sleep(100);
    await c(0).agent.service.register({ name: 'web', id: 'web-1', port: svc.port });
    const woke = await pending;
    expect(Date.now() - t1).toBeLessThan(3000);
    expect(Number(woke.headers.get('x-consul-index'))).toBeGreaterThan(index);
    expect(((await woke.json()) as unknown[]).length).toBe(1);
    expect((await fetch(`${url}?index=1&wait=bogus`)).status).toBe(400);
  });

  it('feeds the consul client watch (blocking queries) with every change', async () => {
    const seen: number[] = [];
    const consul = c(1);
    const watch = consul.watch({
      method: consul.health.service.bind(consul.health),
      options: { service: 'web', passing: 'true', wait: '5s' },
    });
    watch.on('change', (data: unknown[]) => {
      seen.push(data.length);
    });
    watch.on('error', () => {});
    try {
      await until(
        () => seen.length,
        (n) => n >= 1,
      );
      await c(0).agent.service.register({ name: 'web', id: 'web-1', port: svc.port, check: check(svc.port) });
      await until(
        () => seen.at(-1),
        (n) => n === 1,
      );
      await c(0).agent.service.deregister('web-1');
      await until(
        () => seen.at(-1),
        (n) => n === 0,
      );
    } finally {
      watch.end();
    }
    expect(seen[0]).toBe(0);
  });

  it('stops and restarts an agent on the same port', async () => {
    const a = sim.agents[1]!;
    const port = a.port;
    await a.stop();
    await expect(fetch(`${a.url}/v1/status/leader`)).rejects.toThrow();
    await a.start();
    expect(a.port).toBe(port);
    expect(await fetch(`${a.url}/v1/status/leader`).then((r) => r.json())).toBe('127.0.0.1:8300');
  });

  it('never sends a check outside loopback', async () => {
    await c(0).agent.service.register({
      name: 'web',
      id: 'web-x',
      port: 80,
      check: { name: 'outside', http: 'http://192.0.2.1/health', interval: '50ms', timeout: '1s' },
    });
    const out = await until(
      () => sim.health('web')[0]!.Checks[1]!.Output,
      (o) => o !== '',
    );
    expect(out).toMatch(/loopback URLs only/);
  });
});

describe('consul simulator with ACLs (default deny)', () => {
  let sim: ConsulSim;
  beforeAll(async () => {
    sim = await startConsulSim({ acl: { tokens: { 'write-token-123': 'write', 'read-token-456': 'read' } } });
  });
  afterAll(() => sim.stop());

  it('checks tokens from X-Consul-Token, Authorization: Bearer and ?token', async () => {
    const url = sim.agents[0]!.url;
    const writer = client(url, 'write-token-123');
    const reader = client(url, 'read-token-456');
    const stranger = client(url, 'nope');
    try {
      await writer.agent.service.register({ name: 'api', id: 'api-1', port: 9 });
      await expect(reader.agent.service.register({ name: 'api', id: 'api-2', port: 9 })).rejects.toMatchObject({
        response: { statusCode: 403 },
      });
      const denied = await fetch(`${url}/v1/agent/service/register`, {
        method: 'PUT',
        headers: { 'x-consul-token': 'read-token-456' },
        body: JSON.stringify({ Name: 'api', ID: 'api-2', Port: 9 }),
      });
      expect([denied.status, await denied.text()]).toEqual([
        403,
        `Permission denied: token with AccessorID 'accessor-2' lacks permission 'service:write' on "api"`,
      ]);
      await expect(stranger.health.service('api')).rejects.toThrow('ACL not found');
      expect(await reader.health.service('api')).toHaveLength(1);

      const bearer = await fetch(`${url}/v1/health/service/api`, {
        headers: { authorization: 'Bearer read-token-456' },
      });
      expect(((await bearer.json()) as unknown[]).length).toBe(1);
      const query = await fetch(`${url}/v1/catalog/service/api?token=read-token-456`);
      expect(((await query.json()) as unknown[]).length).toBe(1);

      // Anonymous reads are filtered to nothing (not refused), as Consul does.
      const anon = await fetch(`${url}/v1/health/service/api`);
      expect(anon.status).toBe(200);
      expect(anon.headers.get('x-consul-results-filtered-by-acls')).toBe('true');
      expect(await anon.json()).toEqual([]);
      const anonWrite = await fetch(`${url}/v1/agent/service/deregister/api-1`, { method: 'PUT' });
      expect([anonWrite.status, await anonWrite.text()]).toEqual([
        403,
        `Permission denied: anonymous token lacks permission 'service:write' on "api"`,
      ]);
      expect(sim.catalog('api')).toHaveLength(1);
    } finally {
      for (const x of [writer, reader, stranger]) x.destroy();
    }
  });
});

describe('parseDuration', () => {
  it('reads Go durations and bare seconds', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('5')).toBe(5000);
    expect(parseDuration('soon')).toBeNull();
  });
});
