import { createUserSchema } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useCreateUser } from '../../api/users/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { CheckboxField, TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

export function CreateUserForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateUser();
  const form = useFieldErrors(create);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(createUserSchema, { email, name, password, isAdmin });
    if (body) create.mutate(body, { onSuccess: () => onDone() });
  };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate data-testid="user-form" autoComplete="off">
      <h3>{t('users.new')}</h3>
      <div className="form-grid">
        <TextField
          id="user-email"
          name="email"
          type="email"
          label={t('field.email')}
          value={email}
          onChange={setEmail}
          error={form.error('email')}
          autoFocus
          testId="user-email"
        />
        <TextField
          id="user-name"
          name="name"
          label={t('field.name')}
          value={name}
          onChange={setName}
          error={form.error('name')}
          testId="user-name"
        />
        <TextField
          id="user-password"
          name="password"
          type="password"
          label={t('field.password')}
          value={password}
          onChange={setPassword}
          error={form.error('password')}
          hint={t('users.passwordHint')}
          autoComplete="new-password"
          testId="user-password"
        />
        <CheckboxField
          id="user-admin"
          name="isAdmin"
          label={t('users.admin')}
          text={t('users.adminLabel')}
          checked={isAdmin}
          onChange={setIsAdmin}
          error={form.error('isAdmin')}
          hint={t('users.adminHint')}
          testId="user-admin"
        />
      </div>
      <ErrorNotice error={create.error} fields={['email', 'name', 'password', 'isAdmin']} testId="form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="user-submit">
          {create.isPending ? t('common.creating') : t('common.create')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
