import type { DeploymentView, EnvironmentStatusView } from '@wharf/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { useCancelDeployment } from '../../api/deployments/mutations';
import { isActiveState } from '../../api/deployments/queries';
import { Badge } from '../../components/Badge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { DateTime } from '../../components/TimeAgo';
import { useNow } from '../../hooks/useNow';
import { useI18n } from '../../i18n/useI18n';
import { useProjectContext } from '../projects/project-context';
import { DeploymentStateBadge } from './DeploymentStateBadge';
import { elapsed } from './DeploymentsTable';
import { RetryDialog } from './RetryDialog';
import { RollbackButton } from './RollbackDialog';
import { VersionChange } from './VersionChange';

/** State, versions, who and when, and the actions that fit the state. */
export function DeploymentHeader({
  deployment: d,
  envStatus,
  isProtected,
}: {
  deployment: DeploymentView;
  envStatus: EnvironmentStatusView | undefined;
  isProtected: boolean;
}) {
  const { t, duration } = useI18n();
  const { can } = useProjectContext();
  const cancel = useCancelDeployment(d.projectSlug);
  const [retrying, setRetrying] = useState(false);
  const active = isActiveState(d.state);
  const retryable =
    (d.state === 'failed' || d.state === 'cancelled') &&
    d.targets.some((x) => x.state !== 'succeeded' && x.targetId !== null);
  // Same rule as the API: on a protected environment only maintainers act on releases
  // (and until the environment's status has loaded, we do not know it is unprotected).
  const mayAct = can(isProtected || !envStatus ? 'maintainer' : 'deployer');
  const now = useNow(active);
  const ms = elapsed(d, now);
  const base = `/projects/${encodeURIComponent(d.projectSlug)}`;

  return (
    <div className="card deployment-head" data-testid="deployment-header">
      <div className="deployment-title">
        <DeploymentStateBadge state={d.state} testId="deployment-state" />
        <span className="env-name" data-testid="deployment-environment">
          {d.environmentName}
        </span>
        {isProtected && <Badge tone="warn">{t('environments.protected')}</Badge>}
        <VersionChange from={d.previousVersion} to={d.version} testIdPrefix="deployment" />
        <span className="deployment-actions">
          {mayAct && active && (
            <button
              type="button"
              className="btn btn-danger-ghost"
              disabled={d.cancelRequested || cancel.isPending}
              onClick={() => cancel.mutate(d.id)}
              data-testid="cancel-deployment"
            >
              {d.cancelRequested || cancel.isPending ? t('deployment.cancelling') : t('deployment.cancel')}
            </button>
          )}
          {mayAct && retryable && (
            <button type="button" className="btn" onClick={() => setRetrying(true)} data-testid="retry-deployment">
              {t('deployment.retryFailed')}
            </button>
          )}
          {envStatus && <RollbackButton env={envStatus} className="btn" />}
        </span>
      </div>
      <dl className="meta-grid">
        <div>
          <dt>{t('deployment.trigger')}</dt>
          <dd data-testid="deployment-trigger">{t(`trigger.${d.trigger}`)}</dd>
        </div>
        <div>
          <dt>{t('deployment.actor')}</dt>
          <dd data-testid="deployment-actor">{d.actor}</dd>
        </div>
        <div>
          <dt>{t('deployment.created')}</dt>
          <dd>
            <DateTime iso={d.createdAt} />
          </dd>
        </div>
        <div>
          <dt>{t('deployment.started')}</dt>
          <dd>
            <DateTime iso={d.startedAt} />
          </dd>
        </div>
        <div>
          <dt>{t('deployment.finished')}</dt>
          <dd>
            <DateTime iso={d.finishedAt} />
          </dd>
        </div>
        <div>
          <dt>{t('deployment.duration')}</dt>
          <dd data-testid="deployment-duration">{ms === null ? '—' : duration(ms)}</dd>
        </div>
        {d.retryOfId && (
          <div>
            <dt>{t('deployment.retryOf')}</dt>
            <dd>
              <Link to={`${base}/deployments/${encodeURIComponent(d.retryOfId)}`} className="mono">
                {d.retryOfId.slice(0, 8)}
              </Link>
            </dd>
          </div>
        )}
      </dl>
      {d.promotionOverrideReason && (
        <div className="alert alert-warn" data-testid="deployment-promotion-override">
          <strong>{t('deployment.promotionOverridden')}</strong> {d.promotionOverrideReason}
        </div>
      )}
      {d.freezeOverrideReason && (
        <div className="alert alert-warn" data-testid="deployment-freeze-override">
          <strong>{t('deployment.freezeOverridden')}</strong> {d.freezeOverrideReason}
        </div>
      )}
      {d.state === 'queued' && (
        <div className="alert alert-info" data-testid="deployment-queued">
          {envStatus?.active && envStatus.active.deploymentId !== d.id
            ? t('deployment.queuedBehind')
            : t('deployment.queued')}
        </div>
      )}
      {d.cancelRequested && active && (
        <div className="alert alert-warn" data-testid="deployment-cancel-requested">
          {t('deployment.cancelRequested')}
        </div>
      )}
      {d.error && (
        <div className="alert alert-error" data-testid="deployment-error">
          <pre className="prewrap deployment-error-text">{d.error}</pre>
        </div>
      )}
      <ErrorNotice error={cancel.error} testId="cancel-error" />
      {retrying && <RetryDialog deployment={d} isProtected={isProtected} onClose={() => setRetrying(false)} />}
    </div>
  );
}
