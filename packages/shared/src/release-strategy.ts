// Which executor runs a deployment, and when a rolling restart may not run. An environment
// releases to one kind of target; the kind and the environment's settings decide the
// strategy. Shared so the API refuses early with the very rules the worker applies last.
import type { DeploySettings } from './deploy-settings.js';
import type { TargetKind } from './targets.js';

/** The environment variable (secret) that holds the restart secret instances check. */
export const RESTART_SECRET_VARIABLE = 'WHARF_RESTART_SECRET';
export const RESTART_SECRET_MIN_LENGTH = 16;

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

/** The strategy a release to these targets runs (null without targets). */
export function releaseStrategyOf(
  kinds: TargetKind[],
  settings: Pick<DeploySettings, 'strategy'>,
): ReleaseStrategy | null {
  const kind = primaryKind(kinds);
  return kind ? strategyFor(kind, settings) : null;
}
