import type { DeploymentView } from '@wharf/shared';
import { Link } from 'react-router';
import { Badge } from '../../components/Badge';
import { TimeAgo } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';
import { DeploymentStateBadge } from './DeploymentStateBadge';
import { VersionChange } from './VersionChange';

export function elapsed(d: Pick<DeploymentView, 'startedAt' | 'finishedAt'>, now = Date.now()): number | null {
  if (!d.startedAt) return null;
  return (d.finishedAt ? Date.parse(d.finishedAt) : now) - Date.parse(d.startedAt);
}

export function DeploymentsTable({
  deployments,
  showEnvironment = true,
}: {
  deployments: DeploymentView[];
  showEnvironment?: boolean;
}) {
  const { t, duration } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table" data-testid="deployments-table">
        <thead>
          <tr>
            <th>{t('deployment.state')}</th>
            <th>{t('deployment.version')}</th>
            {showEnvironment && <th>{t('deployment.environment')}</th>}
            <th>{t('deployment.trigger')}</th>
            <th>{t('deployment.actor')}</th>
            <th>{t('deployment.created')}</th>
            <th className="num">{t('deployment.duration')}</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((d) => {
            const ms = elapsed(d);
            return (
              <tr key={d.id} data-testid={`deployment-row-${d.id}`} data-state={d.state}>
                <td>
                  <Link
                    to={`/projects/${encodeURIComponent(d.projectSlug)}/deployments/${encodeURIComponent(d.id)}`}
                    className="row-link"
                  >
                    <DeploymentStateBadge state={d.state} />
                  </Link>
                </td>
                <td>
                  <Link
                    to={`/projects/${encodeURIComponent(d.projectSlug)}/deployments/${encodeURIComponent(d.id)}`}
                    className="row-link"
                  >
                    <VersionChange from={d.previousVersion} to={d.version} />
                  </Link>
                  {d.retryOfId && (
                    <>
                      {' '}
                      <Badge tone="neutral">{t('deployment.retry')}</Badge>
                    </>
                  )}
                </td>
                {showEnvironment && <td className="mono">{d.environmentName}</td>}
                <td>
                  <Badge tone={d.trigger === 'rollback' ? 'warn' : 'neutral'}>{t(`trigger.${d.trigger}`)}</Badge>
                </td>
                <td className="truncate" title={d.actor}>
                  {d.actor}
                </td>
                <td className="nowrap">
                  <TimeAgo iso={d.createdAt} />
                </td>
                <td className="num">{ms === null ? '—' : duration(ms)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
