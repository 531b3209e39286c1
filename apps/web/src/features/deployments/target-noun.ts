import type { ReleaseStrategy } from '@wharf/shared';

/** What a deployment's targets are called: Kubernetes workloads, Consul services or SSH hosts. */
export type TargetNoun = 'workloads' | 'services' | 'hosts';

/**
 * From the release strategy the API reports for the deployment (the one the worker runs), so
 * the page words targets right before any of them has reported detail.
 */
export function targetNoun(strategy: ReleaseStrategy | null): TargetNoun {
  switch (strategy) {
    case 'kubernetes-release':
      return 'workloads';
    case 'consul-rolling-restart':
      return 'services';
    case 'ssh-release':
    case 'ssh-rolling-restart':
    case null:
      return 'hosts';
  }
}
