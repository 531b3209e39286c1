// Consul entries -> the instances to restart: one per service id and address, however many
// agents hold a registration of it.
import type { HealthEntry } from './consul-health.js';

export interface Instance {
  /** `<service id>@<address>:<port>`: what identifies one running instance. */
  key: string;
  id: string;
  address: string;
  port: number;
  /** Nodes (agents) holding a registration of it. */
  nodes: string[];
  /** At least one of its registrations has every check passing. */
  passing: boolean;
}

const allPassing = (e: HealthEntry): boolean => e.Checks.every((c) => c.Status === 'passing');

export function addressOf(e: HealthEntry): string {
  return e.Service.Address || e.Node.Address;
}

export function keyOf(e: HealthEntry): string {
  return `${e.Service.ID}@${addressOf(e)}:${e.Service.Port}`;
}

/** De-duplicated, in a stable order: instances already failing first (restarting them costs no capacity), then by id and address. */
export function toInstances(entries: HealthEntry[]): Instance[] {
  const byKey = new Map<string, Instance>();
  for (const e of entries) {
    const key = keyOf(e);
    const inst = byKey.get(key);
    if (inst) {
      if (!inst.nodes.includes(e.Node.Node)) inst.nodes.push(e.Node.Node);
      inst.passing ||= allPassing(e);
    } else {
      byKey.set(key, {
        key,
        id: e.Service.ID,
        address: addressOf(e),
        port: e.Service.Port,
        nodes: [e.Node.Node],
        passing: allPassing(e),
      });
    }
  }
  return [...byKey.values()].sort(
    (a, b) => Number(a.passing) - Number(b.passing) || a.id.localeCompare(b.id) || a.key.localeCompare(b.key),
  );
}

/** Distinct instances with a registration whose every check passes. */
export function passingKeys(entries: HealthEntry[]): Set<string> {
  return new Set(entries.filter(allPassing).map(keyOf));
}

/** Is the instance back under a registration newer than `sinceIndex`, with every check passing? */
export function consulState(
  entries: HealthEntry[],
  key: string,
  sinceIndex: number,
): 'passing' | 'not_passing' | 'absent' {
  const fresh = entries.filter((e) => keyOf(e) === key && e.Service.ModifyIndex > sinceIndex);
  if (fresh.length === 0) return 'absent';
  return fresh.some(allPassing) ? 'passing' : 'not_passing';
}

export function instanceUrl(inst: Pick<Instance, 'address' | 'port'>, path: string): string {
  const host = inst.address.includes(':') ? `[${inst.address}]` : inst.address;
  return `http://${host}:${inst.port}${path}`;
}

/** What Consul holds for one instance (registrations and check states), to tell a change of it from others. */
export function instanceFingerprint(entries: HealthEntry[], key: string): string {
  return entries
    .filter((e) => keyOf(e) === key)
    .map((e) => `${e.Node.Node}:${e.Service.ModifyIndex}:${e.Checks.map((c) => c.Status).join(',')}`)
    .sort()
    .join(';');
}
