// A release's approvals: how many it needs and has, who decided what and why, when it
// expires, and Approve / Reject for the people who may decide. The requester sees why there
// is no button for them, and Withdraw (as do maintainers and admins). The API decides for
// real; this only explains.
import { approvalBlocker, type DeploymentView, type MeView, type ProjectRole } from '@wharf/shared';
import { useEffect, useState } from 'react';
import { useDecideApproval } from '../../api/approvals/mutations';
import { Badge } from '../../components/Badge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TimeAgo } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';
import { mayWithdraw, WithdrawButton } from './WithdrawButton';

/** Re-renders every `ms` so a countdown moves. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function ApprovalPanel({
  slug,
  deployment,
  me,
  role,
}: {
  slug: string;
  deployment: DeploymentView;
  me: MeView | null | undefined;
  role: ProjectRole;
}) {
  const { t, duration } = useI18n();
  const now = useNow(1000);
  const [comment, setComment] = useState('');
  const [commentMissing, setCommentMissing] = useState(false);
  const decide = useDecideApproval(slug);
  const approval = deployment.approval;
  if (!approval) return null;

  const waiting = deployment.state === 'awaiting_approval';
  const expiresMs = approval.expiresAt ? new Date(approval.expiresAt).getTime() - now : null;
  const blocker = me
    ? approvalBlocker(approval, { id: me.id, isAdmin: me.isAdmin, roleInProject: role })
    : 'not_approver';
  const send = (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && comment.trim().length < 3) {
      setCommentMissing(true);
      return;
    }
    setCommentMissing(false);
    decide.mutate({ id: deployment.id, decision, comment: comment.trim() }, { onSuccess: () => setComment('') });
  };

  return (
    <div className="stack" data-testid="approval-panel" data-state={deployment.state}>
      <p data-testid="approval-count">
        <strong>{t('approval.count', { received: approval.received, required: approval.required })}</strong>
        {approval.approvedAt && (
          <span className="muted">
            {' · '}
            {t('approval.approvedAt')} <TimeAgo iso={approval.approvedAt} />
          </span>
        )}
      </p>
      {waiting && expiresMs !== null && (
        <p className="muted small" data-testid="approval-expiry">
          {expiresMs > 0
            ? t('approval.expiresIn', { in: duration(expiresMs - (expiresMs % 1000)) })
            : t('approval.expiredNow')}
        </p>
      )}
      <p className="muted small" data-testid="approval-who">
        {approval.approverUserIds.length > 0
          ? t('approval.whoNamed', { count: approval.approverUserIds.length })
          : t('approval.whoMaintainers')}
      </p>
      {approval.decisions.length === 0 ? (
        <p className="muted" data-testid="approval-no-decisions">
          {t('approval.noDecisions')}
        </p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="approval-decisions">
          {approval.decisions.map((d) => (
            <li key={d.userId} data-testid="approval-decision" data-decision={d.decision}>
              <Badge tone={d.decision === 'approved' ? 'ok' : 'danger'}>{t(`approval.decision.${d.decision}`)}</Badge>{' '}
              <span className="mono">{d.user}</span> <TimeAgo iso={d.at} />
              {d.comment && <div className="muted small">“{d.comment}”</div>}
            </li>
          ))}
        </ul>
      )}
      {mayWithdraw(deployment, me, role) && (
        <div className="form-actions" data-testid="approval-withdraw">
          <span className="muted small">{t('withdraw.hint')}</span>
          <WithdrawButton slug={slug} deployment={deployment} />
        </div>
      )}
      {waiting && blocker !== null && (
        <div className="alert alert-info" data-testid="approval-blocked" data-reason={blocker}>
          {t(`approval.blocked.${blocker}`)}
        </div>
      )}
      {waiting && blocker === null && (
        <div className="stack" data-testid="approval-actions">
          <div className={commentMissing ? 'field field-invalid' : 'field'}>
            <label htmlFor={`approval-comment-${deployment.id}`}>{t('approval.comment')}</label>
            <textarea
              id={`approval-comment-${deployment.id}`}
              rows={2}
              maxLength={1000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder={t('approval.commentHint')}
              data-testid="approval-comment"
            />
            {commentMissing && (
              <p className="field-error" role="alert" data-testid="approval-comment-missing">
                {t('approval.rejectNeedsComment')}
              </p>
            )}
          </div>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={decide.isPending}
              onClick={() => send('approve')}
              data-testid="approval-approve"
            >
              {t('approval.approve')}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={decide.isPending}
              onClick={() => send('reject')}
              data-testid="approval-reject"
            >
              {t('approval.reject')}
            </button>
          </div>
          <ErrorNotice error={decide.error} testId="approval-error" />
        </div>
      )}
    </div>
  );
}
