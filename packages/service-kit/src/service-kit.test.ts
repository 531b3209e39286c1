// The kit in-process against real node:http servers and the Consul simulator.
import { startConsulSim, type ConsulSim } from '@wharf/test-hosts/consul-sim';
import Consul from 'consul';
import { createServer, request, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServiceKit, type ServiceKit, type ServiceKitOptions } from './service-kit.js';

const SECRET = 'restart-secret-0123456789';
const servers: Server[] = [];

async function listen(
  kitOptions: Omit<ServiceKitOptions, 'port'> & { start?: boolean },
  slowMs = 0,
): Promise<{ kit: ServiceKit; server: Server; url: string; logs: string[] }> {
  const logs: string[] = [];
  let kit: ServiceKit | null = null;
  const server = createServer((req, res) => {
    if (kit!.handle(req, res)) return;
    setTimeout(() => res.writeHead(200).end('app'), req.url === '/slow' ? slowMs : 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  kit = createServiceKit({
    handleSignals: false,
    exitAfterShutdown: false,
    env: {},
    log: (m) => logs.push(m),
    ...kitOptions,
    port,
  });
  if (kitOptions.start ?? true) await kit.start(server);
  return { kit, server, url: `http://127.0.0.1:${port}`, logs };
}

const post = (url: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers });

afterEach(() => {
  for (const s of servers.splice(0)) {
    s.close();
    s.closeAllConnections();
  }
});

describe('restart endpoint', () => {
  it('refuses a missing or wrong secret and other methods; a right one answers 200 and drains', async () => {
    const { kit, url } = await listen({ service: 'shop', restartSecret: SECRET, drain: { deregisterGraceMs: 0 } });
    const missing = await post(`${url}/-/restart`);
    expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([401, 'secret_required']);
    const wrong = await post(`${url}/-/restart`, { authorization: `Bearer ${SECRET}x` });
    expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([403, 'wrong_secret']);
    const basic = await post(`${url}/-/restart`, { authorization: `Basic ${SECRET}` });
    expect(basic.status).toBe(401);
    expect((await fetch(`${url}/-/restart`)).status).toBe(405);
    expect(kit.state).toBe('ready');

    const ok = await post(`${url}/-/restart`, { authorization: `Bearer ${SECRET}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'restarting', instance: kit.instanceId });
    expect(kit.state).toBe('draining');
    await kit.shutdown('again');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('is off in production unless explicitly enabled, and off without a secret', async () => {
    const prod = await listen({ service: 'shop', restartSecret: SECRET, env: { NODE_ENV: 'production' } });
    const r = await post(`${prod.url}/-/restart`, { authorization: `Bearer ${SECRET}` });
    expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([403, 'restart_disabled']);
    expect(prod.kit.state).toBe('ready');

    const none = await listen({ service: 'shop' });
    const n = await post(`${none.url}/-/restart`, { authorization: 'Bearer anything-at-all-here' });
    expect(n.status).toBe(403);

    const enabled = await listen({
      service: 'shop',
      restartSecret: SECRET,
      env: { NODE_ENV: 'production' },
      allowRestartInProduction: true,
      drain: { deregisterGraceMs: 0 },
    });
    expect((await post(`${enabled.url}/-/restart`, { authorization: `Bearer ${SECRET}` })).status).toBe(200);
    await enabled.kit.shutdown('test');
  });

  it('takes the secret from WHARF_RESTART_SECRET and refuses a short one', async () => {
    const fromEnv = await listen({
      service: 'shop',
      env: { WHARF_RESTART_SECRET: SECRET },
      drain: { deregisterGraceMs: 0 },
    });
    expect((await post(`${fromEnv.url}/-/restart`, { authorization: `Bearer ${SECRET}` })).status).toBe(200);
    await fromEnv.kit.shutdown('test');
    expect(() => createServiceKit({ service: 'shop', port: 1, restartSecret: 'short', env: {} })).toThrow(
      /at least 16 characters/,
    );
  });
});

describe('health endpoint', () => {
  it('is 503 while starting, 200 when ready, 503 naming failing checks, 503 as soon as shutdown starts', async () => {
    let dbUp = true;
    const { kit, server, url } = await listen({
      service: 'shop',
      start: false,
      checks: { db: () => dbUp, cache: async () => Promise.resolve(true) },
      drain: { deregisterGraceMs: 300 },
    });
    const starting = await fetch(`${url}/health`);
    expect([starting.status, await starting.json()]).toEqual([503, { status: 'starting', instance: kit.instanceId }]);
    await kit.start(server);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    dbUp = false;
    const failing = await fetch(`${url}/health`);
    expect([failing.status, await failing.json()]).toEqual([
      503,
      { status: 'not_ready', instance: kit.instanceId, failing: ['db'] },
    ]);
    dbUp = true;
    const stopping = kit.shutdown('test');
    // Still serving during the grace period, but not ready.
    const during = await fetch(`${url}/health`);
    expect(during.status).toBe(503);
    expect(during.headers.get('connection')).toBe('close');
    expect((await fetch(`${url}/`)).status).toBe(200);
    await stopping;
  });

  it('treats a check that throws or hangs as failing', async () => {
    const { url } = await listen({
      service: 'shop',
      checkTimeoutMs: 100,
      checks: { hangs: () => new Promise<boolean>(() => {}), throws: () => Promise.reject(new Error('boom')) },
    });
    const r = await fetch(`${url}/health`);
    expect([r.status, ((await r.json()) as { failing: string[] }).failing]).toEqual([503, ['hangs', 'throws']]);
  });
});

describe('drain', () => {
  it('finishes a request in flight, then stops accepting connections', async () => {
    const { kit, url } = await listen({ service: 'shop', drain: { deregisterGraceMs: 0, timeoutMs: 5000 } }, 400);
    const slow = fetch(`${url}/slow`);
    await sleep(50);
    const t0 = Date.now();
    await kit.shutdown('test');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect((await slow).status).toBe(200);
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });

  it('closes a request that outlives the drain timeout', async () => {
    const { kit, url } = await listen({ service: 'shop', drain: { deregisterGraceMs: 0, timeoutMs: 200 } }, 5000);
    const done = new Promise<string>((resolve) => {
      request(`${url}/slow`, (res) => resolve(String(res.statusCode)))
        .on('error', (e) => resolve(e.message))
        .end();
    });
    await sleep(50);
    await kit.shutdown('test');
    expect(await done).toBe('socket hang up');
  });
});

describe('consul registration', () => {
  let sim: ConsulSim;
  beforeAll(async () => {
    sim = await startConsulSim({ agents: 2, acl: { tokens: { 'kit-write-token-1': 'write' } } });
  });
  afterAll(() => sim.stop());

  const put = (agent: number, path: string, body?: unknown) =>
    fetch(`${sim.agents[agent]!.url}${path}`, {
      method: 'PUT',
      headers: { 'x-consul-token': 'kit-write-token-1' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it('removes only its own stale registrations, registers with an HTTP check, deregisters at shutdown', async () => {
    // Two live siblings of the same service (one per agent) and a stale copy of this instance on agent 2.
    await put(0, '/v1/agent/service/register', { Name: 'shop', ID: 'shop-sibling-a', Port: 1 });
    await put(1, '/v1/agent/service/register', { Name: 'shop', ID: 'shop-sibling-b', Port: 2 });
    await put(1, '/v1/agent/service/register', { Name: 'shop', ID: 'shop-pod-1', Port: 3 });
    const before = sim.requests.length;

    const { kit, url } = await listen({
      service: 'shop',
      instanceId: 'shop-pod-1',
      restartSecret: SECRET,
      consul: {
        agents: sim.agents.map((a) => a.url),
        token: 'kit-write-token-1',
        tags: ['v2'],
        meta: { team: 'web' },
        checkInterval: '50ms',
        deregisterCriticalServiceAfter: '30s',
      },
      drain: { deregisterGraceMs: 100 },
    });
    const port = Number(new URL(url).port);
    const entries = sim.health('shop');
    expect(entries.map((e) => [e.Node.Node, e.Service.ID]).sort()).toEqual([
      ['consul-agent-1', 'shop-pod-1'],
      ['consul-agent-1', 'shop-sibling-a'],
      ['consul-agent-2', 'shop-sibling-b'],
    ]);
    const own = entries.find((e) => e.Service.ID === 'shop-pod-1')!;
    expect(own.Service).toMatchObject({ Address: '127.0.0.1', Port: port, Tags: ['v2'] });
    expect(own.Service.Meta.team).toBe('web');
    expect(own.Service.Meta.instance_boot).toMatch(/^[0-9a-f]{16}$/);
    expect(own.Checks[1]!.Definition).toMatchObject({
      HTTP: `${url}/health`,
      Interval: '50ms',
      DeregisterCriticalServiceAfter: '30s',
    });
    // Deregister calls named this instance's id only.
    const deregisters = sim.requests.slice(before).filter((r) => r.path.includes('/deregister/'));
    expect(deregisters.map((r) => r.path)).toEqual([
      '/v1/agent/service/deregister/shop-pod-1',
      '/v1/agent/service/deregister/shop-pod-1',
    ]);
    for (let i = 0; i < 100 && sim.health('shop', { passing: true }).length < 3; i++) await sleep(20);
    expect(sim.health('shop', { passing: true }).map((e) => e.Service.ID)).toContain('shop-pod-1');

    await kit.shutdown('test');
    expect(
      sim
        .health('shop')
        .map((e) => e.Service.ID)
        .sort(),
    ).toEqual(['shop-sibling-a', 'shop-sibling-b']);
  });

  it('registers on the next agent when the first is down, and fails loudly when none accepts', async () => {
    await sim.agents[0]!.stop();
    try {
      const { kit } = await listen({
        service: 'cart',
        instanceId: 'cart-1',
        consul: { agents: sim.agents.map((a) => a.url), token: 'kit-write-token-1', requestTimeoutMs: 500 },
        drain: { deregisterGraceMs: 0 },
      });
      expect(sim.health('cart').map((e) => e.Node.Node)).toEqual(['consul-agent-2']);
      await kit.shutdown('test');
      const { kit: k2, server } = await listen({
        service: 'cart',
        instanceId: 'cart-2',
        start: false,
        consul: { agents: sim.agents.map((a) => a.url), token: 'wrong-token', requestTimeoutMs: 500 },
      });
      await expect(k2.start(server)).rejects.toThrow(/no consul agent accepted the registration: .*403 ACL not found/);
    } finally {
      await sim.agents[0]!.start();
    }
  });

  it('works next to what teams use today: the consul npm client reads, registers beside and removes kit instances', async () => {
    const u = new URL(sim.agents[1]!.url);
    const consul = new Consul({ host: u.hostname, port: Number(u.port), defaults: { token: 'kit-write-token-1' } });
    try {
      // An instance of the same service registered the old way, by the client.
      await consul.agent.service.register({ name: 'orders', id: 'orders-legacy', address: '127.0.0.1', port: 9 });
      const { kit, url } = await listen({
        service: 'orders',
        consul: { agents: sim.agents.map((a) => a.url), token: 'kit-write-token-1', checkInterval: '50ms' },
        drain: { deregisterGraceMs: 0 },
      });
      const port = Number(new URL(url).port);
      type Entry = {
        Service: { ID: string; Port: number; Meta: Record<string, string> };
        Checks: { Status: string }[];
      };
      let entries: Entry[] = [];
      for (let i = 0; i < 100; i++) {
        entries = (await consul.health.service({ service: 'orders', passing: true })) as Entry[];
        if (entries.length === 2) break;
        await sleep(20);
      }
      expect(entries.map((e) => e.Service.ID).sort()).toEqual([kit.instanceId, 'orders-legacy'].sort());
      const mine = entries.find((e) => e.Service.ID === kit.instanceId)!;
      expect(mine.Service.Port).toBe(port);
      expect(kit.instanceId).toBe(`orders-${hostname()}-${port}`.replace(/[^A-Za-z0-9._-]/g, '-'));
      // The client can remove the kit's registration by its id, on the agent that holds it.
      const first = new URL(sim.agents[0]!.url);
      const home = new Consul({
        host: first.hostname,
        port: Number(first.port),
        defaults: { token: 'kit-write-token-1' },
      });
      await home.agent.service.deregister(kit.instanceId);
      home.destroy();
      expect(sim.health('orders').map((e) => e.Service.ID)).toEqual(['orders-legacy']);
      await kit.shutdown('test');
      expect(sim.health('orders').map((e) => e.Service.ID)).toEqual(['orders-legacy']);
    } finally {
      consul.destroy();
    }
  });
});
