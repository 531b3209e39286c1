import { createEnvironmentSchema, updateEnvironmentSchema, type EnvironmentView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useCreateEnvironment, useUpdateEnvironment } from '../../api/environments/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { CheckboxField, TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

/** Creates an environment, or edits `env` when given. */
export function EnvironmentForm({ slug, env, onDone }: { slug: string; env?: EnvironmentView; onDone: () => void }) {
  const { t } = useI18n();
  const create = useCreateEnvironment(slug);
  const update = useUpdateEnvironment(slug);
  const mutation = env ? update : create;
  const form = useFieldErrors(mutation);
  const [name, setName] = useState(env?.name ?? '');
  const [isProtected, setProtected] = useState(env?.protected ?? false);
  const idp = env ? `env-edit-${env.id}` : 'env-new';

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (env) {
      const body = form.validate(updateEnvironmentSchema, { name, protected: isProtected });
      if (body) update.mutate({ id: env.id, body }, { onSuccess: () => onDone() });
    } else {
      const body = form.validate(createEnvironmentSchema, { name, protected: isProtected });
      if (body) create.mutate(body, { onSuccess: () => onDone() });
    }
  };

  return (
    <form
      className={env ? 'form form-inline' : 'card form'}
      onSubmit={onSubmit}
      noValidate
      data-testid="environment-form"
    >
      {!env && <h3>{t('environments.new')}</h3>}
      <div className="form-grid">
        <TextField
          id={`${idp}-name`}
          name="name"
          label={t('field.name')}
          value={name}
          onChange={setName}
          error={form.error('name')}
          hint={t('environments.nameHint')}
          placeholder="production"
          mono
          autoFocus
          testId="environment-name"
        />
        <CheckboxField
          id={`${idp}-protected`}
          name="protected"
          label={t('environments.protected')}
          text={t('environments.protectedLabel')}
          checked={isProtected}
          onChange={setProtected}
          error={form.error('protected')}
          hint={t('environments.protectedHint')}
          testId="environment-protected"
        />
      </div>
      <ErrorNotice error={mutation.error} fields={['name', 'protected']} testId="form-error" />
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={mutation.isPending}
          data-testid="environment-submit"
        >
          {mutation.isPending ? t('common.saving') : env ? t('common.save') : t('common.create')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
