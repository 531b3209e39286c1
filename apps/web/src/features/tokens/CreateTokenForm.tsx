import { createApiTokenSchema, type CreatedApiTokenView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useCreateToken } from '../../api/tokens/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

export function CreateTokenForm({
  slug,
  onCreated,
  onCancel,
}: {
  slug: string;
  onCreated: (t: CreatedApiTokenView) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateToken(slug);
  const form = useFieldErrors(create);
  const [name, setName] = useState('');

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(createApiTokenSchema, { name });
    if (body) create.mutate(body, { onSuccess: (created) => onCreated(created) });
  };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate data-testid="token-form">
      <h3>{t('tokens.new')}</h3>
      <TextField
        id="token-name"
        name="name"
        label={t('field.name')}
        value={name}
        onChange={setName}
        error={form.error('name')}
        hint={t('tokens.nameHint')}
        placeholder="gitlab-ci"
        autoFocus
        testId="token-name"
      />
      <ErrorNotice error={create.error} fields={['name']} testId="form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="token-submit">
          {create.isPending ? t('common.creating') : t('common.create')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
