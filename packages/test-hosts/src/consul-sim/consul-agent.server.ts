// One simulated Consul agent: an HTTP server speaking the /v1 API on loopback, backed by the
// catalog every agent of the simulator shares. Status codes and error texts follow Consul's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsulCatalog, HttpCheckDefinition, ServiceDefinition } from './consul-catalog.js';
import type { CheckStatus } from './consul-types.js';
import { parseDuration } from './duration.js';

export type AclRights = 'read' | 'write';

export interface AclConfig {
  /** Secret ID -> what it may do. Without a token (anonymous) nothing is allowed. */
  tokens: Record<string, AclRights>;
}

export interface RecordedRequest {
  agent: string;
  method: string;
  path: string;
  query: string;
}

export interface AgentServerOptions {
  name: string;
  address: string;
  port: number;
  catalog: ConsulCatalog;
  acl: AclConfig | null;
  record: (r: RecordedRequest) => void;
}

const DEFAULT_WAIT_MS = 5 * 60_000;
const MAX_WAIT_MS = 10 * 60_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Caller = { kind: 'none' } | { kind: 'anonymous' } | { kind: 'token'; accessor: string; rights: AclRights };

/** Consul decodes request bodies case-insensitively and accepts snake_case: so does this. */
function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const want = name.toLowerCase().replace(/_/g, '');
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase().replace(/_/g, '') === want) return v;
  return undefined;
}

function str(obj: unknown, name: string): string | undefined {
  const v = field(obj, name);
  return typeof v === 'string' ? v : undefined;
}

function duration(obj: unknown, name: string, what: string): { ms: number; text: string } | null {
  const v = field(obj, name);
  if (v === undefined || v === '' || v === null) return null;
  if (typeof v !== 'number' && typeof v !== 'string') {
    throw new HttpError(400, `Request decode failed: ${what} must be a duration`);
  }
  // Consul takes a duration string or nanoseconds.
  const text = typeof v === 'number' ? `${v / 1e6}ms` : v;
  const ms = typeof v === 'number' ? v / 1e6 : parseDuration(text);
  if (ms === null) throw new HttpError(400, `Request decode failed: time: invalid duration "${text}" (${what})`);
  return { ms, text };
}

function parseCheck(raw: unknown): HttpCheckDefinition {
  const http = str(raw, 'HTTP');
  if (!http) {
    const kinds = ['TTL', 'TCP', 'GRPC', 'Args', 'Script', 'DockerContainerID', 'H2PING', 'UDP', 'AliasService'];
    if (kinds.some((k) => field(raw, k) !== undefined)) {
      throw new HttpError(400, 'Invalid check: the consul simulator runs HTTP checks only');
    }
    throw new HttpError(400, 'Invalid check: TTL must be > 0 for TTL checks');
  }
  const interval = duration(raw, 'Interval', 'Interval');
  if (!interval || interval.ms <= 0) throw new HttpError(400, 'Invalid check: Interval must be > 0 for HTTP checks');
  const timeout = duration(raw, 'Timeout', 'Timeout') ?? { ms: 10_000, text: '10s' };
  const deregister = duration(raw, 'DeregisterCriticalServiceAfter', 'DeregisterCriticalServiceAfter');
  const status = str(raw, 'Status') ?? 'critical';
  if (!['passing', 'warning', 'critical'].includes(status)) {
    throw new HttpError(400, `Invalid check status: "${status}"`);
  }
  return {
    ...((str(raw, 'CheckID') ?? str(raw, 'ID')) ? { checkId: (str(raw, 'CheckID') ?? str(raw, 'ID'))! } : {}),
    ...(str(raw, 'Name') ? { name: str(raw, 'Name')! } : {}),
    http,
    intervalMs: interval.ms,
    interval: interval.text,
    timeoutMs: timeout.ms,
    timeout: timeout.text,
    deregisterAfterMs: deregister?.ms ?? null,
    deregisterAfter: deregister?.text ?? null,
    status: status as CheckStatus,
    notes: str(raw, 'Notes') ?? '',
  };
}

function parseService(body: unknown): ServiceDefinition {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'Request decode failed: expected a JSON object');
  }
  const name = str(body, 'Name');
  if (!name) throw new HttpError(400, 'Missing service name');
  const port = field(body, 'Port') ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HttpError(400, 'Request decode failed: Port must be an integer');
  }
  const tags = field(body, 'Tags') ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
    throw new HttpError(400, 'Request decode failed: Tags must be a list of strings');
  }
  const meta = field(body, 'Meta') ?? {};
  if (meta === null || typeof meta !== 'object' || Object.values(meta).some((v) => typeof v !== 'string')) {
    throw new HttpError(400, 'Request decode failed: Meta must map strings to strings');
  }
  const checks: unknown[] = [];
  const one = field(body, 'Check');
  if (one !== undefined && one !== null) checks.push(one);
  const many = field(body, 'Checks');
  if (Array.isArray(many)) checks.push(...(many as unknown[]));
  return {
    id: str(body, 'ID') || name,
    name,
    tags: tags as string[],
    address: str(body, 'Address') ?? '',
    port,
    meta: meta as Record<string, string>,
    checks: checks.map(parseCheck),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, `Request decode failed: ${(err as Error).message}`);
  }
}

export class ConsulAgentServer {
  private server: Server | null = null;
  private readonly aborts = new Set<AbortController>();
  port: number;

  constructor(private readonly o: AgentServerOptions) {
    this.port = o.port;
  }

  get url(): string {
    return `http://${this.o.address}:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.o.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops answering (connections refused) until start() again; blocking queries end at once. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const a of this.aborts) a.abort();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private caller(req: IncomingMessage, url: URL): Caller {
    if (!this.o.acl) return { kind: 'none' };
    const auth = req.headers.authorization;
    const token =
      (req.headers['x-consul-token'] as string | undefined) ||
      (auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined) ||
      url.searchParams.get('token') ||
      undefined;
    if (!token) return { kind: 'anonymous' };
    const rights = this.o.acl.tokens[token];
    if (!rights) throw new HttpError(403, 'ACL not found');
    // A stable, non-secret accessor id for messages (Consul's is a separate UUID).
    const accessor = `accessor-${Object.keys(this.o.acl.tokens).indexOf(token) + 1}`;
    return { kind: 'token', accessor, rights };
  }

  private requireWrite(caller: Caller, resource: string): void {
    if (caller.kind === 'none' || (caller.kind === 'token' && caller.rights === 'write')) return;
    const who = caller.kind === 'anonymous' ? 'anonymous token' : `token with AccessorID '${caller.accessor}'`;
    throw new HttpError(403, `Permission denied: ${who} lacks permission 'service:write' on "${resource}"`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://consul.invalid');
    this.o.record({ agent: this.o.name, method: req.method ?? '', path: url.pathname, query: url.search });
    const abort = new AbortController();
    this.aborts.add(abort);
    res.on('close', () => {
      abort.abort();
      this.aborts.delete(abort);
    });
    try {
      await this.route(req, res, url, abort.signal);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(err instanceof Error ? err.message : String(err));
      } else {
        res.destroy();
      }
    }
  }

  private json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-consul-default-acl-policy': this.o.acl ? 'deny' : 'allow',
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, signal: AbortSignal): Promise<void> {
    const { catalog } = this.o;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const caller = this.caller(req, url);
    const dc = url.searchParams.get('dc');
    if (dc && dc !== catalog.datacenter) throw new HttpError(500, 'No path to datacenter');
    const segs = path.split('/').slice(1).map(decodeURIComponent);
    const at = (p: string): boolean => path === p;
    const allow = (...methods: string[]): void => {
      if (!methods.includes(method)) throw new HttpError(405, `method ${method} not allowed`);
    };
    // Reads with no token under default-deny are filtered to nothing, as Consul does.
    const filtered = caller.kind === 'anonymous';
    const filterHeader: Record<string, string> = filtered ? { 'x-consul-results-filtered-by-acls': 'true' } : {};

    if (at('/v1/agent/service/register')) {
      allow('PUT');
      const def = parseService(await readJson(req));
      this.requireWrite(caller, def.name);
      catalog.register(this.o.name, def);
      res.writeHead(200).end();
      return;
    }
    if (segs[0] === 'v1' && segs[1] === 'agent' && segs[2] === 'service' && segs[3] === 'deregister' && segs[4]) {
      allow('PUT');
      const id = segs.slice(4).join('/');
      const own = catalog.agentServices(this.o.name).find((s) => s.ID === id);
      this.requireWrite(caller, own?.Service ?? id);
      if (!catalog.deregister(this.o.name, id)) {
        throw new HttpError(
          404,
          `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`,
        );
      }
      res.writeHead(200).end();
      return;
    }
    if (at('/v1/agent/services')) {
      allow('GET');
      const list = filtered ? [] : catalog.agentServices(this.o.name);
      const out = Object.fromEntries(
        list.map((s) => [
          s.ID,
          {
            ID: s.ID,
            Service: s.Service,
            Tags: s.Tags,
            Meta: s.Meta,
            Port: s.Port,
            Address: s.Address,
            Weights: s.Weights,
            EnableTagOverride: s.EnableTagOverride,
            Datacenter: catalog.datacenter,
          },
        ]),
      );
      this.json(res, out, filterHeader);
      return;
    }
    if (at('/v1/agent/self')) {
      allow('GET');
      const node = catalog.nodeList().find((n) => n.Node === this.o.name);
      this.json(res, {
        Config: {
          Datacenter: catalog.datacenter,
          NodeName: this.o.name,
          NodeID: node?.ID ?? '',
          Version: '1.20.0-sim',
        },
        Member: { Name: this.o.name, Addr: this.o.address, Port: 8301, Status: 1 },
      });
      return;
    }
    if (at('/v1/status/leader')) {
      allow('GET');
      this.json(res, `${this.o.address}:8300`);
      return;
    }

    // Blocking reads: catalog and health.
    const read = (): { body: unknown } | null => {
      const tags = url.searchParams.getAll('tag');
      if (at('/v1/catalog/services')) return { body: filtered ? {} : catalog.services() };
      if (at('/v1/catalog/nodes')) return { body: catalog.nodeList() };
      if (segs[0] === 'v1' && segs[1] === 'catalog' && segs[2] === 'service' && segs[3]) {
        return { body: filtered ? [] : catalog.catalogNodes(segs[3], tags) };
      }
      if (segs[0] === 'v1' && segs[1] === 'health' && segs[2] === 'service' && segs[3]) {
        const p = url.searchParams.get('passing');
        // `?passing` alone or any value but false/0 turns the filter on.
        const passing = p !== null && !['false', '0'].includes(p.toLowerCase());
        return { body: filtered ? [] : catalog.serviceEntries(segs[3], { tags, passing }) };
      }
      if (segs[0] === 'v1' && segs[1] === 'health' && segs[2] === 'checks' && segs[3]) {
        return { body: filtered ? [] : catalog.serviceChecks(segs[3]) };
      }
      return null;
    };
    if (read() === null) throw new HttpError(404, '404 page not found');
    allow('GET');

    const indexParam = url.searchParams.get('index');
    if (indexParam !== null && indexParam !== '') {
      const index = Number(indexParam);
      if (!Number.isSafeInteger(index) || index < 0) throw new HttpError(400, 'Invalid index');
      const waitParam = url.searchParams.get('wait');
      const waitMs = waitParam ? parseDuration(waitParam) : DEFAULT_WAIT_MS;
      if (waitMs === null) throw new HttpError(400, `Invalid wait time: time: invalid duration "${waitParam}"`);
      // An index from the future (e.g. after a reset) does not block, as in Consul.
      if (index > 0 && index <= catalog.index) {
        await catalog.waitForChange(index, Math.min(waitMs, MAX_WAIT_MS), signal);
      }
      if (signal.aborted) return;
    }
    this.json(res, read()!.body, {
      'x-consul-index': String(catalog.index),
      'x-consul-knownleader': 'true',
      'x-consul-lastcontact': '0',
      'x-consul-effective-consistency': 'leader',
      ...filterHeader,
    });
  }
}
