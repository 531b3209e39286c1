import { PROJECT_ROLES, projectRoleSchema, upsertMemberSchema, type ProjectRole } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useUpsertMember } from '../../api/members/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

export function AddMemberForm({ slug, onDone }: { slug: string; onDone: () => void }) {
  const { t } = useI18n();
  const upsert = useUpsertMember(slug);
  const form = useFieldErrors(upsert);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('deployer');

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(upsertMemberSchema, { email, role });
    if (body) upsert.mutate(body, { onSuccess: () => onDone() });
  };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate data-testid="member-form">
      <h3>{t('members.add')}</h3>
      <div className="form-grid">
        <TextField
          id="member-email"
          name="email"
          type="email"
          label={t('field.email')}
          value={email}
          onChange={setEmail}
          error={form.error('email')}
          hint={t('members.emailHint')}
          autoFocus
          testId="member-email"
        />
        <Field id="member-role" name="role" label={t('members.role')} error={form.error('role')}>
          <select
            id="member-role"
            value={role}
            data-testid="member-role"
            onChange={(e) => {
              const parsed = projectRoleSchema.safeParse(e.target.value);
              if (parsed.success) setRole(parsed.data);
            }}
          >
            {PROJECT_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <p className="muted small">{t('members.rolesHelp')}</p>
      <ErrorNotice error={upsert.error} fields={['email', 'role']} testId="form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={upsert.isPending} data-testid="member-submit">
          {upsert.isPending ? t('common.saving') : t('members.add')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
