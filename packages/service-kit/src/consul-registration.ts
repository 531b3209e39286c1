// Self-registration with Consul agents over their HTTP API (global fetch, no client library).
// Only this instance's own id is ever deregistered: a starting instance never touches the
// registrations of its siblings, whatever name they share.

export interface ConsulSettings {
  /** Agent addresses, e.g. ['http://127.0.0.1:8500']. The first that accepts holds the registration. */
  agents: string[];
  /** ACL token with service:write on the service. */
  token?: string;
  tags?: string[];
  meta?: Record<string, string>;
  /** Go durations, as Consul takes them. */
  checkInterval?: string;
  checkTimeout?: string;
  deregisterCriticalServiceAfter?: string;
  /** Per-call timeout. Default 3000 ms. */
  requestTimeoutMs?: number;
}

export interface RegistrationInput {
  id: string;
  service: string;
  address: string;
  port: number;
  healthUrl: string;
  meta: Record<string, string>;
}

type Log = (msg: string) => void;

export class ConsulRegistration {
  private registeredOn: string | null = null;

  constructor(
    private readonly s: ConsulSettings,
    private readonly log: Log,
  ) {
    if (s.agents.length === 0) throw new Error('service-kit: consul.agents needs at least one agent address');
    for (const a of s.agents) {
      if (!/^https?:\/\//.test(a)) throw new Error(`service-kit: consul agent must be an http(s) URL: ${a}`);
    }
  }

  get agent(): string | null {
    return this.registeredOn;
  }

  private async call(agent: string, path: string, body?: unknown): Promise<Response> {
    return fetch(new URL(path, agent.endsWith('/') ? agent : `${agent}/`), {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        ...(this.s.token ? { 'x-consul-token': this.s.token } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.s.requestTimeoutMs ?? 3000),
    });
  }

  /** Removes this id from every agent given (a 404 means it was not there). */
  async deregisterEverywhere(id: string): Promise<void> {
    await Promise.all(
      this.s.agents.map(async (agent) => {
        try {
          const r = await this.call(agent, `v1/agent/service/deregister/${encodeURIComponent(id)}`);
          if (r.ok) this.log(`consul: removed registration ${id} from ${agent}`);
          else if (r.status !== 404) this.log(`consul: deregister ${id} on ${agent} answered ${r.status}`);
          await r.body?.cancel();
        } catch (err) {
          this.log(`consul: deregister ${id} on ${agent} failed: ${(err as Error).message}`);
        }
      }),
    );
    this.registeredOn = null;
  }

  /** Removes own stale registrations, then registers on the first agent that accepts. */
  async register(r: RegistrationInput): Promise<void> {
    await this.deregisterEverywhere(r.id);
    const body = {
      ID: r.id,
      Name: r.service,
      Tags: this.s.tags ?? [],
      Address: r.address,
      Port: r.port,
      Meta: { ...this.s.meta, ...r.meta },
      Check: {
        Name: `${r.service} health`,
        HTTP: r.healthUrl,
        Interval: this.s.checkInterval ?? '10s',
        Timeout: this.s.checkTimeout ?? '5s',
        DeregisterCriticalServiceAfter: this.s.deregisterCriticalServiceAfter ?? '1m',
      },
    };
    const errors: string[] = [];
    for (const agent of this.s.agents) {
      try {
        const res = await this.call(agent, 'v1/agent/service/register', body);
        const text = await res.text();
        if (res.ok) {
          this.registeredOn = agent;
          this.log(`consul: registered ${r.id} (${r.service} at ${r.address}:${r.port}) on ${agent}`);
          return;
        }
        errors.push(`${agent}: ${res.status} ${text.slice(0, 200)}`);
      } catch (err) {
        errors.push(`${agent}: ${(err as Error).message}`);
      }
    }
    throw new Error(`service-kit: no consul agent accepted the registration: ${errors.join('; ')}`);
  }
}
