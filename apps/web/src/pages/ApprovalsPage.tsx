// /approvals: every release across projects waiting for an approval the signed-in person may
// give (not their own, not already decided), soonest to expire first.
import { Link } from 'react-router';
import { useApprovalQueue } from '../api/approvals/queries';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import { TimeAgo } from '../components/TimeAgo';
import { useI18n } from '../i18n/useI18n';

export function ApprovalsPage() {
  const { t } = useI18n();
  const queue = useApprovalQueue();
  return (
    <>
      <PageHeader title={t('approvals.title')} subtitle={t('approvals.subtitle')} />
      <QueryView
        query={queue}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState testId="approvals-empty" title={t('approvals.empty.title')}>
            {t('approvals.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="approvals-table">
            <thead>
              <tr>
                <th>{t('approvals.col.project')}</th>
                <th>{t('approvals.col.environment')}</th>
                <th>{t('approvals.col.version')}</th>
                <th>{t('approvals.col.requester')}</th>
                <th>{t('approvals.col.approvals')}</th>
                <th>{t('approvals.col.requested')}</th>
                <th>{t('approvals.col.expires')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((d) => (
                <tr key={d.id} data-testid="approvals-row" data-deployment-id={d.id}>
                  <td className="mono">{d.projectSlug}</td>
                  <td>{d.environmentName}</td>
                  <td className="mono">
                    <Link
                      to={`/projects/${encodeURIComponent(d.projectSlug)}/deployments/${d.id}`}
                      data-testid="approvals-open"
                    >
                      {d.previousVersion ? `${d.previousVersion} → ${d.version}` : d.version}
                    </Link>
                  </td>
                  <td>{d.actor}</td>
                  <td>
                    {t('approval.count', { received: d.approval?.received ?? 0, required: d.approval?.required ?? 0 })}
                  </td>
                  <td>
                    <TimeAgo iso={d.createdAt} />
                  </td>
                  <td>
                    <TimeAgo iso={d.approval?.expiresAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </>
  );
}
