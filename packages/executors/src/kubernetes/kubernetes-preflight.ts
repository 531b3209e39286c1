// "Test connection" for a Kubernetes target: can Wharf reach the API server over verified
// TLS, does the credential authenticate, can it read the workload (and which image and
// replicas it has now), may it patch it (SelfSubjectAccessReview), and may it follow a
// rollout (watch the workload, pods and events; read pod logs). Reads only.
import type {
  KubernetesPreflightCheckName,
  KubernetesPreflightCheckView,
  KubernetesPreflightView,
  KubernetesWorkload,
} from '@wharf/shared';
import { kubernetesWorkloadSchema } from '@wharf/shared';
import { createMasker } from '../masking.js';
import { kubeConfigFor, secretsOf, type ClusterAccess } from './cluster-access.js';
import { toKubeApiError } from './kube-api-error.js';
import { replicaCounts } from './rollout-status.js';
import { WorkloadClient } from './workload-client.js';
import { PLURAL, refLabel } from './workload-types.js';

export interface KubernetesPreflightInput {
  cluster: ClusterAccess;
  workload: KubernetesWorkload;
  /** Per API call; default 10 s. */
  timeoutMs?: number;
}

/** What following a rollout needs, besides patching the workload. */
const OBSERVE: { verb: string; group: string; resource: string; subresource?: string; kindOf?: true }[] = [
  { verb: 'watch', group: 'apps', resource: '', kindOf: true },
  { verb: 'list', group: '', resource: 'pods' },
  { verb: 'watch', group: '', resource: 'pods' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'log' },
  { verb: 'list', group: '', resource: 'events' },
  { verb: 'watch', group: '', resource: 'events' },
];

export async function testKubernetesConnection(input: KubernetesPreflightInput): Promise<KubernetesPreflightView> {
  const workload = kubernetesWorkloadSchema.parse(input.workload);
  const mask = createMasker(secretsOf(input.cluster));
  const client = new WorkloadClient(kubeConfigFor(input.cluster), workload, {
    attempts: 2,
    timeoutMs: input.timeoutMs ?? 10_000,
  });
  const plural = PLURAL[workload.kind];
  const checks: KubernetesPreflightCheckView[] = [];
  const view: KubernetesPreflightView = { ok: false, checks, currentImage: null, replicas: null, serverVersion: null };
  const add = (name: KubernetesPreflightCheckName, status: KubernetesPreflightCheckView['status'], message: string) =>
    checks.push({ name, status, message: mask(message) });
  const skipRest = (from: KubernetesPreflightCheckName, why: string) => {
    const names: KubernetesPreflightCheckName[] = ['reachable', 'authenticated', 'workload', 'patch', 'observe'];
    for (const n of names.slice(names.indexOf(from))) add(n, 'skipped', `not tried: ${why}`);
    return view;
  };

  // reachable: TLS verified against the configured CA, and an answer.
  try {
    view.serverVersion = await client.serverVersion();
    add(
      'reachable',
      'passed',
      `${input.cluster.server} answered (Kubernetes ${view.serverVersion}); its certificate verifies against the configured CA`,
    );
  } catch (err) {
    const e = toKubeApiError(err, `connecting to ${input.cluster.server}`);
    if (e.status === 401 || e.status === 403) {
      // Some clusters hide /version from unauthenticated or unprivileged users; the answer still proves TLS works.
      add('reachable', 'passed', `${input.cluster.server} answered over verified TLS`);
    } else {
      add('reachable', 'failed', e.message);
      return skipRest('authenticated', 'the API server was not reached');
    }
  }

  // authenticated: any SelfSubjectAccessReview answer means the API server took the credential.
  let canGet: boolean;
  try {
    canGet = await client.canI('get', 'apps', plural, { name: workload.name });
    add('authenticated', 'passed', 'the API server accepted the credential');
  } catch (err) {
    const e = toKubeApiError(err, 'authenticating');
    add(
      'authenticated',
      'failed',
      e.status === 401 ? 'the API server did not accept the credential (401 Unauthorized)' : e.message,
    );
    return skipRest('workload', 'the credential was not accepted');
  }

  const target = `${refLabel(workload)} in namespace ${workload.namespace}`;
  try {
    if (!canGet) throw new Error(`the credential may not get ${plural}.apps in namespace ${workload.namespace}`);
    const w = await client.read({ attempts: 2, timeoutMs: input.timeoutMs ?? 10_000 });
    const containers = w.spec?.template?.spec?.containers ?? [];
    const c = containers.find((x) => x.name === workload.container);
    view.replicas = replicaCounts(workload.kind, w);
    if (!c) {
      add(
        'workload',
        'failed',
        `${target} has no container "${workload.container}" (it has: ${containers.map((x) => x.name).join(', ') || 'none'})`,
      );
      return skipRest('patch', 'the container was not found');
    }
    view.currentImage = c.image ?? null;
    add(
      'workload',
      'passed',
      `${target}: container ${c.name} runs ${c.image ?? '(no image)'}; ${view.replicas.ready}/${view.replicas.desired} ready`,
    );
  } catch (err) {
    add(
      'workload',
      'failed',
      err instanceof Error && !('code' in err) ? err.message : toKubeApiError(err, `reading ${target}`).message,
    );
    return skipRest('patch', 'the workload could not be read');
  }

  try {
    const mayPatch = await client.canI('patch', 'apps', plural, { name: workload.name });
    if (mayPatch) add('patch', 'passed', `the credential may patch ${target}`);
    else
      add(
        'patch',
        'failed',
        `the credential may not patch ${plural}.apps "${workload.name}" in namespace ${workload.namespace}: a release could not change the image`,
      );
  } catch (err) {
    add('patch', 'failed', toKubeApiError(err, 'asking for the patch permission').message);
  }

  try {
    const missing: string[] = [];
    for (const p of OBSERVE) {
      const resource = p.kindOf ? plural : p.resource;
      // A release watches the namespace's workloads of this kind once for all its targets
      // there (shared watches): list/watch must be allowed for the kind, not one name.
      const allowed = await client.canI(p.verb, p.group, resource, {
        ...(p.subresource ? { subresource: p.subresource } : {}),
      });
      if (!allowed)
        missing.push(`${p.verb} ${resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`);
    }
    if (missing.length === 0)
      add('observe', 'passed', 'the credential may watch the workload, its pods and events, and read pod logs');
    else
      add(
        'observe',
        'failed',
        `the credential lacks ${missing.join(', ')} in namespace ${workload.namespace}: Wharf could not follow a rollout`,
      );
  } catch (err) {
    add('observe', 'failed', toKubeApiError(err, 'asking for the watch permissions').message);
  }
  view.ok = checks.every((c) => c.status === 'passed');
  return view;
}
