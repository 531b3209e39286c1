// A Consul cluster simulator for tests: several agents (one HTTP server each, its own node)
// sharing one catalog. No Consul binary can be installed here, so this speaks the subset of
// the real HTTP API that Wharf and @wharf/service-kit use, checked with the `consul` npm client.
import { ConsulAgentServer, type AclConfig, type RecordedRequest } from './consul-agent.server.js';
import { ConsulCatalog } from './consul-catalog.js';
import type { CatalogServiceNode, ServiceEntry } from './consul-types.js';

export interface StartConsulSimOptions {
  /** Number of agents (each a node of the same datacenter). Default 1. */
  agents?: number;
  datacenter?: string;
  /** Loopback address the agents listen on. Default 127.0.0.1. */
  address?: string;
  /** ACLs with default deny: only these tokens may read (read) or also register (write). */
  acl?: AclConfig;
}

export interface ConsulSimAgent {
  /** Node name, e.g. `consul-agent-1`. */
  name: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Refuses connections from now on (blocking queries end). */
  stop(): Promise<void>;
  /** Answers again, on the same port. */
  start(): Promise<void>;
}

export interface ConsulSim {
  agents: ConsulSimAgent[];
  datacenter: string;
  /** Current catalog index (what X-Consul-Index reports). */
  index(): number;
  /** What GET /v1/health/service/:name returns, for assertions. */
  health(service: string, opts?: { passing?: boolean }): ServiceEntry[];
  catalog(service: string): CatalogServiceNode[];
  /** Every request any agent received, in order (no tokens or bodies). */
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

export async function startConsulSim(opts: StartConsulSimOptions = {}): Promise<ConsulSim> {
  const count = opts.agents ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error('agents must be a positive integer');
  const address = opts.address ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) throw new Error('the simulator listens on loopback only');
  const datacenter = opts.datacenter ?? 'dc1';
  const catalog = new ConsulCatalog(datacenter);
  const requests: RecordedRequest[] = [];
  const servers: ConsulAgentServer[] = [];
  const stop = async (): Promise<void> => {
    catalog.close();
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 1; i <= count; i++) {
      const name = `consul-agent-${i}`;
      catalog.addNode(name, address);
      const server = new ConsulAgentServer({
        name,
        address,
        port: 0,
        catalog,
        acl: opts.acl ?? null,
        record: (r) => requests.push(r),
      });
      await server.start();
      servers.push(server);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    agents: servers.map((s, i) => ({
      name: `consul-agent-${i + 1}`,
      get url() {
        return s.url;
      },
      get port() {
        return s.port;
      },
      stop: () => s.stop(),
      start: () => s.start(),
    })),
    datacenter,
    index: () => catalog.index,
    health: (service, o = {}) => catalog.serviceEntries(service, o),
    catalog: (service) => catalog.catalogNodes(service),
    requests,
    stop,
  };
}
