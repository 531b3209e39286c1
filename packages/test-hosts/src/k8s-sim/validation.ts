// Server-side defaulting and the validation errors (422 Invalid) a client can meet when it
// writes a workload, with the field paths the API server names.
import type { Container, KubeObject, LabelSelector, PodSpec, PodTemplateSpec } from './k8s-types.js';
import { matchesSelector } from './selectors.js';

const WORKLOADS = new Set(['deployments', 'statefulsets', 'daemonsets', 'replicasets']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function defaultContainer(c: Container): void {
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    const tagless = !/:[^/]+$/.test(c.image.split('@')[0]!) && !c.image.includes('@');
    c.imagePullPolicy = tagless || c.image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
}

function defaultPodSpec(spec: PodSpec): void {
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
}

/**
 * Drops null fields. The API server decodes into typed structs, where null and absent are
 * the same zero value; clients send nulls (Go's `creationTimestamp: null` in templates),
 * and a template must compare equal to its ReplicaSet's copy either way.
 */
function pruneNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) pruneNulls(x);
  } else if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (o[k] === null) delete o[k];
      else pruneNulls(o[k]);
    }
  }
}

/** The defaults the API server fills in on every write of these kinds. */
export function applyWorkloadDefaults(resource: string, o: KubeObject): void {
  pruneNulls(o.spec);
  if (resource === 'pods') {
    const spec = o.spec as PodSpec | undefined;
    if (spec && Array.isArray(spec.containers)) defaultPodSpec(spec);
    return;
  }
  if (!WORKLOADS.has(resource)) return;
  const spec = o.spec as Record<string, unknown> | undefined;
  if (!spec) return;
  const template = spec.template as PodTemplateSpec | undefined;
  if (template?.spec && Array.isArray(template.spec.containers)) defaultPodSpec(template.spec);
  if (resource === 'deployments') {
    spec.replicas ??= 1;
    spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
    const strategy = spec.strategy as { type?: string; rollingUpdate?: Record<string, unknown> };
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      strategy.rollingUpdate ??= {};
      strategy.rollingUpdate.maxUnavailable ??= '25%';
      strategy.rollingUpdate.maxSurge ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
  } else if (resource === 'statefulsets') {
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    spec.revisionHistoryLimit ??= 10;
  } else if (resource === 'daemonsets') {
    spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    spec.revisionHistoryLimit ??= 10;
  } else if (resource === 'replicasets') {
    spec.replicas ??= 1;
  }
}

function checkContainers(path: string, containers: unknown, out: string[]): void {
  if (!Array.isArray(containers) || containers.length === 0) {
    out.push(`${path}: Required value`);
    return;
  }
  const seen = new Set<string>();
  (containers as Container[]).forEach((c, i) => {
    if (typeof c?.name !== 'string' || !DNS_LABEL.test(c.name)) {
      out.push(
        `${path}[${i}].name: Invalid value: ${JSON.stringify(c?.name ?? '')}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`,
      );
    } else if (seen.has(c.name)) {
      out.push(`${path}[${i}].name: Duplicate value: ${JSON.stringify(c.name)}`);
    } else seen.add(c.name);
    if (typeof c?.image !== 'string' || c.image.trim() === '') out.push(`${path}[${i}].image: Required value`);
  });
}

/** Problems in the API server's wording; empty when the object is valid. */
export function validateObject(resource: string, o: KubeObject): string[] {
  const out: string[] = [];
  if (!DNS_LABEL.test(o.metadata.name) && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(o.metadata.name)) {
    out.push(`metadata.name: Invalid value: ${JSON.stringify(o.metadata.name)}`);
  }
  if (resource === 'pods') {
    checkContainers('spec.containers', (o.spec as PodSpec | undefined)?.containers, out);
    return out;
  }
  if (!WORKLOADS.has(resource)) return out;
  const spec = o.spec as { replicas?: unknown; selector?: LabelSelector; template?: PodTemplateSpec } | undefined;
  if (!spec) return ['spec: Required value'];
  if (
    spec.replicas !== undefined &&
    (typeof spec.replicas !== 'number' || !Number.isInteger(spec.replicas) || spec.replicas < 0)
  ) {
    out.push('spec.replicas: Invalid value: must be greater than or equal to 0');
  }
  const sel = spec.selector;
  if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
    out.push('spec.selector: Required value');
  } else if (!matchesSelector(sel, spec.template?.metadata?.labels)) {
    out.push('spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`');
  }
  checkContainers('spec.template.spec.containers', spec.template?.spec?.containers, out);
  return out;
}
