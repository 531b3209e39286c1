import type { DeploymentTargetView } from '@wharf/shared';

/** What a deployment's targets are called: Kubernetes workloads, Consul services or SSH hosts. */
export type TargetNoun = 'workloads' | 'services' | 'hosts';

/**
 * Read from the targets' detail: a Kubernetes rollout's detail is a workload's; a rolling
 * restart's instances are `<service id>@<address>:<port>` through Consul and host names over
 * SSH. Targets without detail yet (not started, or an SSH release) are hosts.
 */
export function targetNoun(targets: DeploymentTargetView[]): TargetNoun {
  for (const { detail } of targets) {
    if (detail?.kind === 'kubernetes') return 'workloads';
    if (detail?.kind === 'rolling-restart' && detail.instances.some((i) => i.instance.includes('@'))) {
      return 'services';
    }
  }
  return 'hosts';
}
