// Which executor runs a deployment. An environment releases to one kind of target; the kind
// and the environment's settings decide the strategy. Pure, so every combination is tested.
import type { DeploySettings, TargetKind } from '@wharf/shared';

export const RELEASE_STRATEGIES = [
  'ssh-release',
  'ssh-rolling-restart',
  'kubernetes-release',
  'consul-rolling-restart',
] as const;
export type ReleaseStrategy = (typeof RELEASE_STRATEGIES)[number];

export function strategyFor(kind: TargetKind, settings: Pick<DeploySettings, 'strategy'>): ReleaseStrategy {
  switch (kind) {
    case 'ssh':
      return settings.strategy === 'rolling-restart' ? 'ssh-rolling-restart' : 'ssh-release';
    case 'kubernetes':
      return 'kubernetes-release';
    case 'consul':
      return 'consul-rolling-restart';
  }
}

export function isRollingRestart(s: ReleaseStrategy): boolean {
  return s === 'ssh-rolling-restart' || s === 'consul-rolling-restart';
}

/**
 * The deployment's target kind: the kind most of its targets have (ties: ssh, kubernetes,
 * consul in that order). Targets of another kind are refused with a reason.
 */
export function primaryKind(kinds: TargetKind[]): TargetKind | null {
  const order: TargetKind[] = ['ssh', 'kubernetes', 'consul'];
  let best: TargetKind | null = null;
  let bestCount = 0;
  for (const k of order) {
    const n = kinds.filter((x) => x === k).length;
    if (n > bestCount) [best, bestCount] = [k, n];
  }
  return best;
}

/** Why a rolling restart may not run in this environment, or null when it may. */
export function rollingRestartRefusal(
  environment: { name: string; protected: boolean },
  settings: Pick<DeploySettings, 'rollingRestart'>,
): string | null {
  if (!environment.protected || settings.rollingRestart.allowOnProtected) return null;
  return `${environment.name} is protected: rolling restarts are refused unless an admin allows them in its deploy settings`;
}
