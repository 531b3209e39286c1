// A tiny Consul-aware load balancer for zero-downtime tests: it routes only to instances
// Consul lists as passing, learning changes through blocking queries (as Fabio or
// consul-template + nginx do). It never retries a failed request on another instance, so a
// failure the load generator sees is one a real client would see.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceEntry } from './consul-types.js';

export interface StartConsulLbOptions {
  /** Consul agent to watch, e.g. a simulator agent's url. */
  consulUrl: string;
  service: string;
  token?: string;
  /** Loopback address to listen on. Default 127.0.0.1. */
  address?: string;
  /** Blocking query wait. Default 5s. */
  wait?: string;
}

export interface ConsulLb {
  url: string;
  /** `address:port` of the instances it routes to right now. */
  backends(): string[];
  /** Requests forwarded per backend (`address:port`). */
  served: Map<string, number>;
  /** Resolves once the backend list satisfies `ok` (from the next blocking-query answer on). */
  waitForBackends(ok: (backends: string[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startConsulLb(opts: StartConsulLbOptions): Promise<ConsulLb> {
  let backends: string[] = [];
  let next = 0;
  const served = new Map<string, number>();
  const stopping = new AbortController();

  const watch = async (): Promise<void> => {
    let index = 0;
    while (!stopping.signal.aborted) {
      try {
        const u = new URL(`/v1/health/service/${encodeURIComponent(opts.service)}`, opts.consulUrl);
        u.searchParams.set('passing', 'true');
        if (index > 0) {
          u.searchParams.set('index', String(index));
          u.searchParams.set('wait', opts.wait ?? '5s');
        }
        const res = await fetch(u, {
          signal: stopping.signal,
          headers: opts.token ? { 'x-consul-token': opts.token } : {},
        });
        if (!res.ok) throw new Error(`consul answered ${res.status}`);
        const entries = (await res.json()) as ServiceEntry[];
        const seen = new Set<string>();
        for (const e of entries) seen.add(`${e.Service.Address || e.Node.Address}:${e.Service.Port}`);
        backends = [...seen].sort();
        const got = Number(res.headers.get('x-consul-index'));
        index = got > index ? got : 0;
      } catch {
        // Keep routing to the last known list while Consul is unreachable, like a real LB.
        if (!stopping.signal.aborted) await sleep(100);
      }
    }
  };

  const server: Server = createServer((req, res) => {
    const list = backends;
    if (list.length === 0) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no healthy backend');
      return;
    }
    const target = list[next++ % list.length]!;
    const sep = target.lastIndexOf(':');
    served.set(target, (served.get(target) ?? 0) + 1);
    const upstream = request(
      {
        host: target.slice(0, sep),
        port: Number(target.slice(sep + 1)),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, connection: 'close' },
        // One connection per request: no pooled socket the backend may be closing.
        agent: false,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { ...up.headers, 'x-backend': target });
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-backend': target });
      res.end(`upstream ${target} failed: ${err.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, opts.address ?? '127.0.0.1', resolve));
  const { port, address } = server.address() as AddressInfo;
  const watching = watch();

  return {
    url: `http://${address}:${port}`,
    backends: () => [...backends],
    served,
    async waitForBackends(ok, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!ok(backends)) {
        if (Date.now() > deadline) throw new Error(`load balancer backends never matched: ${backends.join(', ')}`);
        await sleep(20);
      }
    },
    async stop() {
      stopping.abort();
      await watching;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
