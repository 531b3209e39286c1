// Reads GET /v1/health/service/:name from the first Consul agent that answers.
import { ExecutorError } from '../errors.js';

/** The fields of a /v1/health/service entry this executor reads. */
export interface HealthEntry {
  Node: { Node: string; Address: string };
  Service: { ID: string; Service: string; Address: string; Port: number; ModifyIndex: number };
  Checks: { CheckID: string; Status: string; ServiceID: string }[];
}

export interface HealthQuery {
  agents: string[];
  token: string | null;
  service: string;
  tag?: string | undefined;
  datacenter?: string | undefined;
  timeoutMs: number;
  signal: AbortSignal;
  /** A blocking query: answer once the service's index passes this one, or after `waitMs`. */
  block?: { index: number; waitMs: number };
}

export interface HealthAnswer {
  entries: HealthEntry[];
  /** X-Consul-Index: later registrations get a higher ModifyIndex. */
  index: number;
  agent: string;
  /** Consul hid results the token may not read. */
  filteredByAcl: boolean;
}

export class ConsulUnreachableError extends ExecutorError {
  constructor(detail: string) {
    super('consul_unreachable', `no Consul agent answered: ${detail}`);
  }
}

export class ConsulRefusedError extends ExecutorError {
  constructor(agent: string, status: number, text: string) {
    super(
      status === 403 ? 'consul_acl_denied' : 'consul_error',
      `Consul at ${agent} refused the query (HTTP ${status}${text ? `: ${text}` : ''})${status === 403 ? '; check the ACL token' : ''}`,
    );
  }
}

function isEntry(x: unknown): x is HealthEntry {
  const e = x as HealthEntry;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.Service?.ID === 'string' &&
    typeof e.Service.Port === 'number' &&
    typeof e.Node?.Address === 'string' &&
    Array.isArray(e.Checks)
  );
}

export async function queryHealth(q: HealthQuery): Promise<HealthAnswer> {
  const failures: string[] = [];
  for (const agent of q.agents) {
    const url = new URL(
      `v1/health/service/${encodeURIComponent(q.service)}`,
      agent.endsWith('/') ? agent : `${agent}/`,
    );
    if (q.tag) url.searchParams.set('tag', q.tag);
    if (q.datacenter) url.searchParams.set('dc', q.datacenter);
    const waitMs = q.block ? Math.max(1, Math.round(q.block.waitMs)) : 0;
    if (q.block) {
      url.searchParams.set('index', String(q.block.index));
      url.searchParams.set('wait', `${waitMs}ms`);
    }
    let res: Response;
    try {
      res = await fetch(url, {
        headers: q.token ? { 'x-consul-token': q.token } : {},
        redirect: 'manual',
        // Consul may hold a blocking query up to wait + wait/16 (its jitter).
        signal: AbortSignal.any([q.signal, AbortSignal.timeout(q.timeoutMs + waitMs + Math.ceil(waitMs / 16))]),
      });
    } catch (err) {
      if (q.signal.aborted) throw err;
      const e = err as Error & { cause?: { code?: string; message?: string } };
      failures.push(
        `${agent} (${e.name === 'TimeoutError' ? `no answer within ${q.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message)})`,
      );
      continue;
    }
    const text = await res.text();
    // An agent that cannot reach the servers answers 5xx; another agent may still answer.
    if (res.status >= 500 && !text.includes('No path to datacenter')) {
      failures.push(`${agent} (HTTP ${res.status})`);
      continue;
    }
    if (!res.ok) throw new ConsulRefusedError(agent, res.status, text.slice(0, 200).trim());
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      failures.push(`${agent} (answer is not JSON)`);
      continue;
    }
    if (!Array.isArray(body) || !body.every(isEntry)) {
      failures.push(`${agent} (answer is not a list of service entries)`);
      continue;
    }
    return {
      entries: body,
      index: Number(res.headers.get('x-consul-index') ?? 0) || 0,
      agent,
      filteredByAcl: res.headers.get('x-consul-results-filtered-by-acls') === 'true',
    };
  }
  throw new ConsulUnreachableError(failures.join(', '));
}
