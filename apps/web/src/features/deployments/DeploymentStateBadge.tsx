import type { DeploymentState, DeploymentTargetState } from '@wharf/shared';
import { Badge, type BadgeTone } from '../../components/Badge';
import { useI18n } from '../../i18n/useI18n';

export const stateTone: Record<DeploymentState, BadgeTone> = {
  queued: 'neutral',
  running: 'info',
  succeeded: 'ok',
  failed: 'danger',
  cancelled: 'warn',
  awaiting_approval: 'info',
  rejected: 'danger',
  expired: 'warn',
};

/** The deployment's state; in English the text is the state itself (e2e reads it). */
export function DeploymentStateBadge({ state, testId }: { state: DeploymentState; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className="state-badge" data-state={state}>
      <Badge tone={stateTone[state]} testId={testId}>
        {state === 'running' && <span className="pulse" aria-hidden="true" />}
        {t(`deploymentState.${state}`)}
      </Badge>
    </span>
  );
}

const ICONS: Record<DeploymentTargetState, string> = {
  pending: '○',
  running: '◐',
  succeeded: '✓',
  failed: '✗',
  skipped: '–',
  cancelled: '⊘',
};

export function TargetStateIcon({ state }: { state: DeploymentTargetState }) {
  const { t } = useI18n();
  const label = t(`targetState.${state}`);
  return (
    <span className={`target-icon target-icon-${state}`} role="img" aria-label={label} title={label} data-state={state}>
      {ICONS[state]}
    </span>
  );
}
