// Approvals rule: how many distinct people must approve a release here (0: none), who may
// (the project's maintainers, or the members named here), and how long a request waits.
import { APPROVAL_TTL_MINUTES, MAX_APPROVALS_REQUIRED, type EnvironmentView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useSetApprovalRule } from '../../api/approvals/mutations';
import { isApiError } from '../../api/client';
import { useMembers } from '../../api/members/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';

export function ApprovalsSection({ slug, env }: { slug: string; env: EnvironmentView }) {
  const { t } = useI18n();
  const members = useMembers(slug);
  const rule = env.approvalRule;
  const [required, setRequired] = useState(String(rule.approvalsRequired));
  const [named, setNamed] = useState<string[]>(rule.approverUserIds);
  const [ttl, setTtl] = useState(String(rule.approvalTtlMinutes));
  const [saved, setSaved] = useState(false);
  const save = useSetApprovalRule(slug, env.id);
  const idp = `approvals-${env.id}`;
  const fieldErrors = isApiError(save.error) ? save.error.fieldErrors() : {};
  const touch = () => setSaved(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate(
      { approvalsRequired: Number(required), approverUserIds: named, approvalTtlMinutes: Number(ttl) },
      { onSuccess: () => setSaved(true) },
    );
  };
  const toggle = (userId: string, on: boolean) => {
    touch();
    setNamed((cur) => (on ? [...cur, userId] : cur.filter((id) => id !== userId)));
  };

  return (
    <form onSubmit={submit}>
      <fieldset className="fieldset" data-testid="settings-approvals">
        <legend>{t('approvalRule.title')}</legend>
        <p className="muted small">{t('approvalRule.hint')}</p>
        <div className="form-grid">
          <Field
            id={`${idp}-required`}
            name="approvalsRequired"
            label={t('approvalRule.required')}
            hint={t('approvalRule.requiredHint')}
            error={fieldErrors.approvalsRequired}
          >
            <input
              id={`${idp}-required`}
              type="number"
              min={0}
              max={MAX_APPROVALS_REQUIRED}
              value={required}
              onChange={(e) => {
                touch();
                setRequired(e.target.value);
              }}
              data-testid="approvals-required"
            />
          </Field>
          <Field
            id={`${idp}-ttl`}
            name="approvalTtlMinutes"
            label={t('approvalRule.ttl')}
            hint={t('approvalRule.ttlHint', { min: APPROVAL_TTL_MINUTES.min, max: APPROVAL_TTL_MINUTES.max })}
            error={fieldErrors.approvalTtlMinutes}
          >
            <input
              id={`${idp}-ttl`}
              type="number"
              min={APPROVAL_TTL_MINUTES.min}
              max={APPROVAL_TTL_MINUTES.max}
              value={ttl}
              onChange={(e) => {
                touch();
                setTtl(e.target.value);
              }}
              data-testid="approvals-ttl"
            />
          </Field>
        </div>
        <Field
          id={`${idp}-approvers`}
          name="approverUserIds"
          label={t('approvalRule.approvers')}
          hint={named.length === 0 ? t('approvalRule.approversMaintainers') : t('approvalRule.approversNamed')}
          error={fieldErrors.approverUserIds}
        >
          <div id={`${idp}-approvers`} data-testid="approvals-approvers">
            {(members.data ?? []).length === 0 && <p className="muted small">{t('approvalRule.noMembers')}</p>}
            {(members.data ?? []).map((m) => (
              <label key={m.userId} className="checkbox">
                <input
                  type="checkbox"
                  checked={named.includes(m.userId)}
                  onChange={(e) => toggle(m.userId, e.target.checked)}
                  data-testid={`approvals-approver-${m.email}`}
                />
                {m.email} <span className="muted small">({m.role})</span>
              </label>
            ))}
          </div>
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-small" disabled={save.isPending} data-testid="approvals-save">
            {save.isPending ? t('common.saving') : t('common.save')}
          </button>
          {saved && (
            <span className="saved-note" role="status" data-testid="approvals-saved">
              {t('approvalRule.saved')}
            </span>
          )}
        </div>
        {isApiError(save.error) && Object.keys(fieldErrors).length > 0 ? null : (
          <ErrorNotice error={save.error} testId="approvals-error" />
        )}
      </fieldset>
    </form>
  );
}
