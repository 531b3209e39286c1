import type { EnvironmentStatusView } from '@wharf/shared';
import { Link } from 'react-router';
import { Badge } from '../../components/Badge';
import { useI18n } from '../../i18n/useI18n';
import { useProjectContext } from '../projects/project-context';
import { RollbackButton } from './RollbackDialog';

/** Body of an Overview environment card: what runs there now, what is in flight, roll back. */
export function EnvironmentStatusCard({
  envName,
  status,
  statusPending,
}: {
  envName: string;
  status: EnvironmentStatusView | undefined;
  statusPending: boolean;
}) {
  const { t, relative, dateTime } = useI18n();
  const { project } = useProjectContext();
  const base = `/projects/${encodeURIComponent(project.slug)}`;
  const current = status?.current ?? null;
  const active = status?.active ?? null;

  return (
    <div className="env-card-body">
      <div className="env-current" data-testid={`env-current-${envName}`}>
        {statusPending ? (
          <span className="muted">…</span>
        ) : current ? (
          <Link to={`${base}/deployments/${encodeURIComponent(current.deploymentId)}`} className="env-version mono">
            {current.version}
          </Link>
        ) : (
          <span className="muted">{t('overview.nothingDeployed')}</span>
        )}
      </div>
      {current && (
        <div className="muted small" data-testid={`env-deployed-${envName}`} title={dateTime(current.finishedAt)}>
          {t('overview.deployedBy', { when: relative(current.finishedAt), actor: current.actor })}
        </div>
      )}
      {active && (
        <Link
          to={`${base}/deployments/${encodeURIComponent(active.deploymentId)}`}
          data-testid={`env-active-${envName}`}
          className="env-active"
        >
          <Badge tone={active.state === 'running' ? 'info' : 'neutral'}>
            {active.state === 'running' && <span className="pulse" aria-hidden="true" />}
            {t(active.state === 'running' ? 'overview.inProgress' : 'overview.queued', { version: active.version })}
          </Badge>
        </Link>
      )}
      {status && (
        <div className="env-card-actions">
          <RollbackButton env={status} />
        </div>
      )}
    </div>
  );
}
