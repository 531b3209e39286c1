import type { ReleaseView } from '@wharf/shared';
import { Link } from 'react-router';
import { Badge } from '../../components/Badge';
import { DateTime } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';
import { DeploymentStateBadge } from '../deployments/DeploymentStateBadge';
import { VersionChange } from '../deployments/VersionChange';

const shortSha = (sha: string | null) => (sha ? sha.slice(0, 8) : null);

/** One row per release: where, what (versions and commits), who, how, when, result, links. */
export function ReleasesTable({ releases, showProject }: { releases: ReleaseView[]; showProject: boolean }) {
  const { t, duration, dateTime } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table" data-testid="releases-table">
        <thead>
          <tr>
            <th>{t('releases.result')}</th>
            {showProject && <th>{t('releases.project')}</th>}
            <th>{t('releases.environment')}</th>
            <th>{t('releases.version')}</th>
            <th>{t('releases.commits')}</th>
            <th>{t('releases.requester')}</th>
            <th>{t('releases.approvers')}</th>
            <th>{t('releases.trigger')}</th>
            <th>{t('releases.requestedAt')}</th>
            <th className="num">{t('releases.duration')}</th>
            <th>{t('releases.links')}</th>
          </tr>
        </thead>
        <tbody>
          {releases.map((r) => {
            const notes = [
              r.error && { key: 'error', text: r.error },
              r.promotionOverrideReason && {
                key: 'promotion',
                text: t('releases.promotionOverride', { reason: r.promotionOverrideReason }),
              },
              r.freezeOverrideReason && {
                key: 'freeze',
                text: t('releases.freezeOverride', { reason: r.freezeOverrideReason }),
              },
            ].filter((n): n is { key: string; text: string } => Boolean(n));
            return (
              <tr key={r.id} data-testid="release-row" data-id={r.id} data-state={r.state}>
                <td>
                  <DeploymentStateBadge state={r.state} testId="release-result" />
                </td>
                {showProject && <td className="mono">{r.projectSlug}</td>}
                <td className="mono" data-testid="release-environment">
                  {r.environmentName}
                </td>
                <td data-testid="release-version">
                  <VersionChange from={r.fromVersion} to={r.toVersion} />
                  {notes.map((n) => (
                    <div key={n.key} className="small muted" data-testid={`release-note-${n.key}`}>
                      {n.text}
                    </div>
                  ))}
                </td>
                <td className="small mono" data-testid="release-commits">
                  {r.fromCommit || r.toCommit ? (
                    <span title={`${r.fromCommit ?? '?'}..${r.toCommit ?? '?'}`}>
                      {shortSha(r.fromCommit) ?? '?'}..{shortSha(r.toCommit) ?? '?'}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                  {r.commitCount !== null && (
                    <div className="muted">
                      {r.commitCount < 0
                        ? t('releases.commitsBack', { count: -r.commitCount })
                        : t('releases.commitCount', { count: r.commitCount })}
                    </div>
                  )}
                </td>
                <td className="truncate" title={r.requester} data-testid="release-requester">
                  {r.requester}
                </td>
                <td className="small" data-testid="release-approvers">
                  {r.approvers.length ? r.approvers.join(', ') : <span className="muted">—</span>}
                </td>
                <td>
                  <Badge tone={r.trigger === 'rollback' ? 'warn' : 'neutral'}>{t(`trigger.${r.trigger}`)}</Badge>
                </td>
                <td className="nowrap">
                  <DateTime iso={r.requestedAt} />
                </td>
                <td className="num">{r.durationMs === null ? '—' : duration(r.durationMs)}</td>
                <td className="nowrap small">
                  <Link to={r.deploymentPath} data-testid="release-deployment-link">
                    {t('releases.openDeployment')}
                  </Link>{' '}
                  {r.logsPrunedAt ? (
                    <span className="muted" data-testid="release-log-pruned">
                      {t('log.pruned', { date: dateTime(r.logsPrunedAt) })}
                    </span>
                  ) : (
                    <a href={r.logPath} download data-testid="release-log-link">
                      {t('releases.log')}
                    </a>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
