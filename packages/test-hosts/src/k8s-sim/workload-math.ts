// Small pure helpers of the workload controllers, named after their Kubernetes originals.
import { createHash } from 'node:crypto';
import type { Json, PodTemplateSpec } from './k8s-types.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

/** intstr.GetScaledValueFromIntOrPercent */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, dflt: string): number {
  const value = v ?? dflt;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    const n = Number(value);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: ${value}`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** deploymentutil.ResolveFenceposts: surge rounds up, unavailable down, never both 0. */
export function resolveFenceposts(
  rollingUpdate: { maxSurge?: number | string; maxUnavailable?: number | string } | undefined,
  desired: number,
): { maxSurge: number; maxUnavailable: number } {
  const maxSurge = scaledValue(rollingUpdate?.maxSurge, desired, true, '25%');
  let maxUnavailable = scaledValue(rollingUpdate?.maxUnavailable, desired, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

function stable(v: unknown): Json {
  if (Array.isArray(v)) return v.map(stable);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(v).sort()) out[k] = stable((v as Record<string, unknown>)[k]);
    return out;
  }
  return v as Json;
}

/** A template without the hash label a controller adds to it. */
export function withoutHashLabel(t: PodTemplateSpec, label = POD_TEMPLATE_HASH): PodTemplateSpec {
  const copy = structuredClone(t);
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[label];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  if (copy.metadata && Object.keys(copy.metadata).length === 0) delete copy.metadata;
  return copy;
}

/** Same role as controller.ComputeHash: a short, stable, DNS-safe name part for a template. */
export function templateHash(t: PodTemplateSpec, label = POD_TEMPLATE_HASH): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(stable(withoutHashLabel(t, label))))
    .digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

/** deploymentutil.EqualIgnoreHash */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec, label = POD_TEMPLATE_HASH): boolean {
  return JSON.stringify(stable(withoutHashLabel(a, label))) === JSON.stringify(stable(withoutHashLabel(b, label)));
}

export function randomSuffix(n = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}
