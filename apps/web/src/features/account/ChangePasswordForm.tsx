import { changePasswordSchema } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useChangePassword } from '../../api/auth/mutations';
import { isApiError } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

/** Current password, new password twice. The API signs out every other session on success. */
export function ChangePasswordForm() {
  const { t } = useI18n();
  const change = useChangePassword();
  const form = useFieldErrors(change);
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(changePasswordSchema, { currentPassword, newPassword });
    const differs = repeat !== newPassword;
    setMismatch(differs);
    if (!body || differs) return;
    change.mutate(body, {
      onSuccess: () => {
        setCurrent('');
        setNew('');
        setRepeat('');
      },
    });
  };

  const throttled = isApiError(change.error) && change.error.statusCode === 429;
  return (
    <form className="card form" onSubmit={onSubmit} noValidate data-testid="password-form">
      <div className="form-grid">
        <TextField
          id="password-current"
          name="currentPassword"
          type="password"
          label={t('account.currentPassword')}
          value={currentPassword}
          onChange={setCurrent}
          error={form.error('currentPassword')}
          autoComplete="current-password"
          autoFocus
          testId="password-current"
        />
        <TextField
          id="password-new"
          name="newPassword"
          type="password"
          label={t('account.newPassword')}
          value={newPassword}
          onChange={setNew}
          error={form.error('newPassword')}
          hint={t('account.newPasswordHint')}
          autoComplete="new-password"
          testId="password-new"
        />
        <TextField
          id="password-repeat"
          name="repeat"
          type="password"
          label={t('account.repeatPassword')}
          value={repeat}
          onChange={setRepeat}
          error={mismatch ? t('account.mismatch') : undefined}
          autoComplete="new-password"
          testId="password-repeat"
        />
      </div>
      {throttled ? (
        <div className="alert alert-error" role="alert" data-testid="password-throttled">
          {t('login.tooManyAttempts')}
        </div>
      ) : (
        <ErrorNotice error={change.error} fields={['currentPassword', 'newPassword']} testId="form-error" />
      )}
      {change.isSuccess && (
        <div className="alert alert-info" role="status" data-testid="password-changed">
          {t('account.changed')}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={change.isPending} data-testid="password-submit">
          {change.isPending ? t('common.saving') : t('account.changePassword')}
        </button>
      </div>
    </form>
  );
}
