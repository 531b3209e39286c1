import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsulLb, type ConsulLb } from './consul-lb.js';
import { startConsulSim, type ConsulSim } from './consul-sim.js';
import { startLoad } from './load-generator.js';

describe('consul-aware load balancer', () => {
  let sim: ConsulSim;
  let lb: ConsulLb;
  const servers: Server[] = [];
  const health = new Map<number, number>();

  beforeAll(async () => {
    sim = await startConsulSim();
    for (let i = 0; i < 2; i++) {
      // The port is read once: a check that lands while the server closes must not find address() null.
      let port = 0;
      const server = createServer((req, res) => {
        res.writeHead(req.url === '/health' ? (health.get(port) ?? 200) : 200).end(String(port));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      servers.push(server);
      port = (server.address() as AddressInfo).port;
      await fetch(`${sim.agents[0]!.url}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({
          Name: 'web',
          ID: `web-${i}`,
          Address: '127.0.0.1',
          Port: port,
          Check: { HTTP: `http://127.0.0.1:${port}/health`, Interval: '50ms' },
        }),
      });
    }
    lb = await startConsulLb({ consulUrl: sim.agents[0]!.url, service: 'web', wait: '2s' });
  });
  afterAll(async () => {
    // The simulator runs HTTP checks against the servers: stop it before closing them.
    await lb.stop();
    await sim.stop();
    for (const s of servers) s.close();
  });

  it('routes only to passing instances and follows health changes through blocking queries', async () => {
    await lb.waitForBackends((b) => b.length === 2);
    const load = startLoad({ url: lb.url, concurrency: 2 });
    // Both instances must have answered before one turns unhealthy.
    await lb.waitForBackends(() => load.count() >= 20);
    const port0 = (servers[0]!.address() as AddressInfo).port;
    health.set(port0, 500);
    await lb.waitForBackends((b) => b.length === 1 && !b.includes(`127.0.0.1:${port0}`));
    const during = load.count();
    await lb.waitForBackends(() => load.count() > during + 20);
    const r = await load.stop();
    expect(r.failed).toBe(0);
    expect(r.byBackend.size).toBe(2);
    // After the change, every answer came from the other instance.
    expect(lb.backends()).toEqual([`127.0.0.1:${(servers[1]!.address() as AddressInfo).port}`]);
  });
});
