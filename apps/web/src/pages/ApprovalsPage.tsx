// /approvals: every release across projects waiting for an approval the signed-in person may
// give (not their own, not already decided), soonest to expire first; then their own requests
// still waiting, which they may withdraw (maintainers and admins may withdraw others' too).
import type { DeploymentView, MeView } from '@wharf/shared';
import { useMe } from '../api/auth/queries';
import { useApprovalQueue, useRequestedApprovals } from '../api/approvals/queries';
import { EmptyState } from '../components/EmptyState';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import { Section } from '../components/Section';
import { ApprovalHeaderRow, ApprovalRow } from '../features/approvals/ApprovalRow';
import { mayWithdraw } from '../features/deployments/WithdrawButton';
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
              <ApprovalHeaderRow kind="queue" />
            </thead>
            <tbody>
              {data.map((d) => (
                <ApprovalRow key={d.id} deployment={d} kind="queue" withdrawable={mayWithdraw(d, me, roleIn(me, d))} />
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
              <ApprovalHeaderRow kind="mine" />
            </thead>
            <tbody>
              {data.map((d) => (
                <ApprovalRow key={d.id} deployment={d} kind="mine" withdrawable />
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </Section>
  );
}
