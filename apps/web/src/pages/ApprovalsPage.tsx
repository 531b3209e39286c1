// /approvals: every release across projects waiting for an approval the signed-in person may
// give (not their own, not already decided), soonest to expire first; then their own requests
// still waiting, which they may withdraw (maintainers and admins may withdraw others' too).
import type { DeploymentView, MeView } from '@wharf/shared';
import { Link } from 'react-router';
import { useMe } from '../api/auth/queries';
import { useApprovalQueue, useRequestedApprovals } from '../api/approvals/queries';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import { Section } from '../components/Section';
import { TimeAgo } from '../components/TimeAgo';
import { mayWithdraw, WithdrawButton } from '../features/deployments/WithdrawButton';
import { useI18n } from '../i18n/useI18n';

/** The person's role in the release's project, from their memberships. */
const roleIn = (me: MeView | null | undefined, d: DeploymentView) =>
  me?.memberships.find((m) => m.projectSlug === d.projectSlug)?.role ?? null;

export function ApprovalsPage() {
  const { t } = useI18n();
  const queue = useApprovalQueue();
  const me = useMe().data;
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
                <th className="actions-col">{t('common.actions')}</th>
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
                  <td className="actions-col">
                    {mayWithdraw(d, me, roleIn(me, d)) && <WithdrawButton slug={d.projectSlug} deployment={d} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      <RequestedByMe />
    </>
  );
}

/** The signed-in person's own releases waiting for approval, each with Withdraw. */
function RequestedByMe() {
  const { t } = useI18n();
  const requested = useRequestedApprovals();
  return (
    <Section title={t('approvals.mine.title')} testId="approvals-mine">
      <QueryView
        query={requested}
        isEmpty={(data) => data.length === 0}
        empty={
          <p className="muted" data-testid="approvals-mine-empty">
            {t('approvals.mine.empty')}
          </p>
        }
      >
        {(data) => (
          <table className="table" data-testid="approvals-mine-table">
            <thead>
              <tr>
                <th>{t('approvals.col.project')}</th>
                <th>{t('approvals.col.environment')}</th>
                <th>{t('approvals.col.version')}</th>
                <th>{t('approvals.col.approvals')}</th>
                <th>{t('approvals.col.expires')}</th>
                <th className="actions-col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((d) => (
                <tr key={d.id} data-testid="approvals-mine-row" data-deployment-id={d.id}>
                  <td className="mono">{d.projectSlug}</td>
                  <td>{d.environmentName}</td>
                  <td className="mono">
                    <Link to={`/projects/${encodeURIComponent(d.projectSlug)}/deployments/${d.id}`}>
                      {d.previousVersion ? `${d.previousVersion} → ${d.version}` : d.version}
                    </Link>
                  </td>
                  <td>
                    {t('approval.count', { received: d.approval?.received ?? 0, required: d.approval?.required ?? 0 })}
                  </td>
                  <td>
                    <TimeAgo iso={d.approval?.expiresAt} />
                  </td>
                  <td className="actions-col">
                    <WithdrawButton slug={d.projectSlug} deployment={d} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </Section>
  );
}
