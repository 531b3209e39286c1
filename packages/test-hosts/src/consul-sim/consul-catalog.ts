// The one catalog several simulated agents share: nodes (one per agent), services registered
// through an agent, their checks (run here for real against the registered HTTP URLs), and
// the Raft-like index every change bumps, which blocking queries wait on.
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type {
  CatalogServiceNode,
  CheckStatus,
  ConsulCheck,
  ConsulNode,
  ConsulService,
  ServiceEntry,
} from './consul-types.js';

export interface HttpCheckDefinition {
  checkId?: string;
  name?: string;
  http: string;
  intervalMs: number;
  interval: string;
  timeoutMs: number;
  timeout: string;
  deregisterAfterMs: number | null;
  deregisterAfter: string | null;
  status: CheckStatus;
  notes: string;
}

export interface ServiceDefinition {
  id: string;
  name: string;
  tags: string[];
  address: string;
  port: number;
  meta: Record<string, string>;
  checks: HttpCheckDefinition[];
}

interface CheckState {
  check: ConsulCheck;
  def: HttpCheckDefinition;
  criticalSince: number | null;
  timer: NodeJS.Timeout | null;
}

interface Registration {
  node: string;
  service: ConsulService;
  checks: CheckState[];
}

const SERF_CHECK = 'serfHealth';

/** True for 127.0.0.0/8, ::1 and localhost: the only places the simulator sends checks. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

/** One HTTP check as Consul's agent runs it: 2xx passing, 429 warning, anything else critical. */
function probe(url: string, timeoutMs: number): Promise<{ status: CheckStatus; output: string }> {
  if (!isLoopbackUrl(url)) {
    return Promise.resolve({ status: 'critical', output: `consul simulator checks loopback URLs only: ${url}` });
  }
  return new Promise((resolve) => {
    // A new connection per check (agent: false), like Consul's checker with keep-alive off.
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const status: CheckStatus = code >= 200 && code < 300 ? 'passing' : code === 429 ? 'warning' : 'critical';
        resolve({
          status,
          output: `HTTP GET ${url}: ${code} ${res.statusMessage ?? ''} Output: ${body.slice(0, 4096)}`,
        });
      });
      res.on('error', (err) => resolve({ status: 'critical', output: `Get "${url}": ${err.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded)')));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ status: 'critical', output: `Get "${url}": ${err.code ?? ''} ${err.message}`.trim() }),
    );
    req.end();
  });
}

export class ConsulCatalog {
  private idx = 10;
  private readonly nodes = new Map<string, ConsulNode>();
  private readonly registrations = new Map<string, Registration>();
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(readonly datacenter: string) {}

  get index(): number {
    return this.idx;
  }

  private bump(): number {
    this.idx += 1;
    for (const wake of [...this.waiters]) wake();
    return this.idx;
  }

  addNode(name: string, address: string): ConsulNode {
    const index = this.bump();
    const node: ConsulNode = {
      ID: randomUUID(),
      Node: name,
      Address: address,
      Datacenter: this.datacenter,
      TaggedAddresses: { lan: address, wan: address, lan_ipv4: address, wan_ipv4: address },
      Meta: { 'consul-network-segment': '' },
      CreateIndex: index,
      ModifyIndex: index,
    };
    this.nodes.set(name, node);
    return node;
  }

  /** Registers (or replaces) a service on one agent's node, like PUT /v1/agent/service/register. */
  register(nodeName: string, def: ServiceDefinition): void {
    const key = `${nodeName}/${def.id}`;
    const existing = this.registrations.get(key);
    if (existing) this.stopChecks(existing);
    const index = this.bump();
    const service: ConsulService = {
      ID: def.id,
      Service: def.name,
      Tags: def.tags,
      Address: def.address,
      Meta: def.meta,
      Port: def.port,
      Weights: { Passing: 1, Warning: 1 },
      EnableTagOverride: false,
      // Consul keeps CreateIndex when an existing registration is updated.
      CreateIndex: existing?.service.CreateIndex ?? index,
      ModifyIndex: index,
    };
    const multi = def.checks.length > 1;
    const reg: Registration = {
      node: nodeName,
      service,
      checks: def.checks.map((c, i) => ({
        def: c,
        criticalSince: c.status === 'critical' ? Date.now() : null,
        timer: null,
        check: {
          Node: nodeName,
          CheckID: c.checkId ?? (multi ? `service:${def.id}:${i + 1}` : `service:${def.id}`),
          Name: c.name ?? `Service '${def.name}' check`,
          Status: c.status,
          Notes: c.notes,
          Output: '',
          ServiceID: def.id,
          ServiceName: def.name,
          ServiceTags: def.tags,
          Type: 'http',
          Interval: c.interval,
          Timeout: c.timeout,
          ExposedPort: 0,
          Definition: {
            HTTP: c.http,
            Interval: c.interval,
            Timeout: c.timeout,
            ...(c.deregisterAfter ? { DeregisterCriticalServiceAfter: c.deregisterAfter } : {}),
          },
          CreateIndex: index,
          ModifyIndex: index,
        },
      })),
    };
    this.registrations.set(key, reg);
    for (const c of reg.checks) this.scheduleCheck(reg, c, 0);
  }

  /** PUT /v1/agent/service/deregister/:id on one agent: only that agent's own registration. */
  deregister(nodeName: string, serviceId: string): boolean {
    const key = `${nodeName}/${serviceId}`;
    const reg = this.registrations.get(key);
    if (!reg) return false;
    this.stopChecks(reg);
    this.registrations.delete(key);
    this.bump();
    return true;
  }

  private stopChecks(reg: Registration): void {
    for (const c of reg.checks) {
      if (c.timer) clearTimeout(c.timer);
      c.timer = null;
    }
  }

  private scheduleCheck(reg: Registration, c: CheckState, delayMs: number): void {
    if (this.closed) return;
    c.timer = setTimeout(() => {
      c.timer = null;
      void probe(c.def.http, c.def.timeoutMs).then((r) => {
        // Deregistered or replaced while the probe ran: its result belongs to nobody.
        if (this.registrations.get(`${reg.node}/${reg.service.ID}`) !== reg || this.closed) return;
        this.recordCheck(reg, c, r.status, r.output);
        if (this.registrations.get(`${reg.node}/${reg.service.ID}`) === reg) {
          this.scheduleCheck(reg, c, c.def.intervalMs);
        }
      });
    }, delayMs);
  }

  private recordCheck(reg: Registration, c: CheckState, status: CheckStatus, output: string): void {
    c.check.Output = output;
    if (status === 'critical') c.criticalSince ??= Date.now();
    else c.criticalSince = null;
    // Like Consul, only a status change is a catalog write (output alone is not).
    if (c.check.Status !== status) {
      c.check.Status = status;
      c.check.ModifyIndex = this.bump();
    }
    const after = c.def.deregisterAfterMs;
    if (after !== null && c.criticalSince !== null && Date.now() - c.criticalSince >= after) {
      this.deregister(reg.node, reg.service.ID);
    }
  }

  private serfCheck(node: ConsulNode): ConsulCheck {
    return {
      Node: node.Node,
      CheckID: SERF_CHECK,
      Name: 'Serf Health Status',
      Status: 'passing',
      Notes: '',
      Output: 'Agent alive and reachable',
      ServiceID: '',
      ServiceName: '',
      ServiceTags: [],
      Type: '',
      Interval: '',
      Timeout: '',
      ExposedPort: 0,
      Definition: {},
      CreateIndex: node.CreateIndex,
      ModifyIndex: node.CreateIndex,
    };
  }

  private matching(name: string, tags: string[]): Registration[] {
    return [...this.registrations.values()]
      .filter((r) => r.service.Service === name && tags.every((t) => r.service.Tags.includes(t)))
      .sort((a, b) => a.node.localeCompare(b.node) || a.service.ID.localeCompare(b.service.ID));
  }

  /** GET /v1/health/service/:service (passing: only entries whose every check passes). */
  serviceEntries(name: string, opts: { tags?: string[]; passing?: boolean } = {}): ServiceEntry[] {
    const entries = this.matching(name, opts.tags ?? []).map((r) => {
      const node = this.nodes.get(r.node)!;
      return {
        Node: structuredClone(node),
        Service: structuredClone(r.service),
        Checks: [this.serfCheck(node), ...r.checks.map((c) => structuredClone(c.check))],
      };
    });
    return opts.passing ? entries.filter((e) => e.Checks.every((c) => c.Status === 'passing')) : entries;
  }

  /** GET /v1/catalog/service/:service */
  catalogNodes(name: string, tags: string[] = []): CatalogServiceNode[] {
    return this.matching(name, tags).map((r) => {
      const n = this.nodes.get(r.node)!;
      const s = r.service;
      return {
        ID: n.ID,
        Node: n.Node,
        Address: n.Address,
        Datacenter: n.Datacenter,
        TaggedAddresses: { ...n.TaggedAddresses },
        NodeMeta: { ...n.Meta },
        ServiceKind: '',
        ServiceID: s.ID,
        ServiceName: s.Service,
        ServiceTags: [...s.Tags],
        ServiceAddress: s.Address,
        ServiceWeights: { ...s.Weights },
        ServiceMeta: { ...s.Meta },
        ServicePort: s.Port,
        ServiceEnableTagOverride: s.EnableTagOverride,
        CreateIndex: s.CreateIndex,
        ModifyIndex: s.ModifyIndex,
      };
    });
  }

  /** GET /v1/catalog/services: name -> union of tags. */
  services(): Record<string, string[]> {
    const out: Record<string, string[]> = { consul: [] };
    for (const r of this.registrations.values()) {
      const tags = new Set([...(out[r.service.Service] ?? []), ...r.service.Tags]);
      out[r.service.Service] = [...tags].sort();
    }
    return out;
  }

  /** GET /v1/health/checks/:service */
  serviceChecks(name: string): ConsulCheck[] {
    return this.matching(name, []).flatMap((r) => r.checks.map((c) => structuredClone(c.check)));
  }

  /** The services registered through one agent (GET /v1/agent/services). */
  agentServices(nodeName: string): ConsulService[] {
    return [...this.registrations.values()].filter((r) => r.node === nodeName).map((r) => structuredClone(r.service));
  }

  nodeList(): ConsulNode[] {
    return [...this.nodes.values()].map((n) => structuredClone(n));
  }

  /** Resolves once the index moves past `index`, or after `timeoutMs`, or when `signal` aborts. */
  waitForChange(index: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.idx > index || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  close(): void {
    this.closed = true;
    for (const r of this.registrations.values()) this.stopChecks(r);
    for (const wake of [...this.waiters]) wake();
  }
}
