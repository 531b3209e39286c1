// One release waiting for approval, as a row of the Approvals page's tables. The queue of
// releases others asked for also shows who asked and when; the person's own requests do not.
import type { DeploymentView } from '@wharf/shared';
import { Link } from 'react-router';
import { TimeAgo } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';
import { WithdrawButton } from '../deployments/WithdrawButton';

export type ApprovalTableKind = 'queue' | 'mine';

/** The header row matching ApprovalRow's cells for this kind of table. */
export function ApprovalHeaderRow({ kind }: { kind: ApprovalTableKind }) {
  const { t } = useI18n();
  return (
    <tr>
      <th>{t('approvals.col.project')}</th>
      <th>{t('approvals.col.environment')}</th>
      <th>{t('approvals.col.version')}</th>
      {kind === 'queue' && <th>{t('approvals.col.requester')}</th>}
      <th>{t('approvals.col.approvals')}</th>
      {kind === 'queue' && <th>{t('approvals.col.requested')}</th>}
      <th>{t('approvals.col.expires')}</th>
      <th className="actions-col">{t('common.actions')}</th>
    </tr>
  );
}

export function ApprovalRow({
  deployment: d,
  kind,
  withdrawable,
}: {
  deployment: DeploymentView;
  kind: ApprovalTableKind;
  /** Whether this person may withdraw the release (the row then offers Withdraw). */
  withdrawable: boolean;
}) {
  const { t } = useI18n();
  const queue = kind === 'queue';
  return (
    <tr data-testid={queue ? 'approvals-row' : 'approvals-mine-row'} data-deployment-id={d.id}>
      <td className="mono">{d.projectSlug}</td>
      <td>{d.environmentName}</td>
      <td className="mono">
        <Link
          to={`/projects/${encodeURIComponent(d.projectSlug)}/deployments/${d.id}`}
          data-testid={queue ? 'approvals-open' : undefined}
        >
          {d.previousVersion ? `${d.previousVersion} → ${d.version}` : d.version}
        </Link>
      </td>
      {queue && <td>{d.actor}</td>}
      <td>{t('approval.count', { received: d.approval?.received ?? 0, required: d.approval?.required ?? 0 })}</td>
      {queue && (
        <td>
          <TimeAgo iso={d.createdAt} />
        </td>
      )}
      <td>
        <TimeAgo iso={d.approval?.expiresAt} />
      </td>
      <td className="actions-col">{withdrawable && <WithdrawButton slug={d.projectSlug} deployment={d} />}</td>
    </tr>
  );
}
