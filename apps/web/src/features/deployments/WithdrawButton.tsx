// "Withdraw" for a release waiting for approval, shown only to whoever the API lets withdraw
// it: its requester, a maintainer of its project, or an administrator. Asks before acting.
import type { DeploymentView, MeView, ProjectRole } from '@wharf/shared';
import { useWithdrawRelease } from '../../api/approvals/mutations';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useI18n } from '../../i18n/useI18n';

/** The API's rule (DeploymentsService.assertMayWithdraw), so nobody sees a button that fails. */
export function mayWithdraw(d: DeploymentView, me: MeView | null | undefined, role: ProjectRole | null): boolean {
  if (d.state !== 'awaiting_approval' || !me) return false;
  return me.isAdmin || role === 'maintainer' || d.approval?.requesterUserId === me.id;
}

export function WithdrawButton({ slug, deployment: d }: { slug: string; deployment: DeploymentView }) {
  const { t } = useI18n();
  const withdraw = useWithdrawRelease();
  return (
    <span data-testid="withdraw" data-deployment-id={d.id}>
      <ConfirmButton
        testId="withdraw-release"
        question={t('withdraw.confirm', { version: d.version, environment: d.environmentName })}
        pending={withdraw.isPending}
        onConfirm={() => withdraw.mutate({ slug, id: d.id })}
      >
        {t('withdraw.button')}
      </ConfirmButton>
      <ErrorNotice error={withdraw.error} testId="withdraw-error" />
    </span>
  );
}
