import { API_TOKEN_SCOPES, createApiTokenSchema, type ApiTokenScope, type CreatedApiTokenView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useEnvironments } from '../../api/environments/queries';
import { useCreateToken } from '../../api/tokens/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
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
  const [scopes, setScopes] = useState<ApiTokenScope[]>([...API_TOKEN_SCOPES]);
  const [environmentIds, setEnvironmentIds] = useState<string[]>([]);
  const envs = useEnvironments(slug);
  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));
  const canRelease = scopes.includes('release');
  // Issues name a list entry ("environmentIds.1") or the list itself.
  const envError =
    form.error('environmentIds') ?? environmentIds.map((_, i) => form.error(`environmentIds.${i}`)).find(Boolean);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(
      createApiTokenSchema,
      // A token that cannot release has no environment list.
      { name, scopes, environmentIds: canRelease ? environmentIds : [] },
      { scopes: t('tokens.scopesRequired') },
    );
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
      <Field id="token-scopes" name="scopes" label={t('tokens.scopes')} error={form.error('scopes')}>
        <div className="checkbox-group" id="token-scopes">
          {API_TOKEN_SCOPES.map((s) => (
            <label key={s} className="checkbox">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(toggle(scopes, s, e.target.checked))}
                data-testid={`token-scope-${s}`}
              />{' '}
              {t(s === 'release' ? 'tokens.scope.release' : 'tokens.scope.push')}
            </label>
          ))}
        </div>
      </Field>
      {canRelease && (
        <Field
          id="token-envs"
          name="environmentIds"
          label={t('tokens.environments')}
          error={envError}
          hint={t('tokens.environmentsHint')}
        >
          <div className="checkbox-group" id="token-envs" data-testid="token-envs">
            {(envs.data ?? []).map((env) => (
              <label key={env.id} className={`checkbox${env.protected ? ' muted' : ''}`}>
                <input
                  type="checkbox"
                  disabled={env.protected}
                  checked={!env.protected && environmentIds.includes(env.id)}
                  onChange={(e) => setEnvironmentIds(toggle(environmentIds, env.id, e.target.checked))}
                  data-testid={`token-env-${env.name}`}
                />{' '}
                {env.protected ? t('tokens.envProtected', { name: env.name }) : env.name}
              </label>
            ))}
          </div>
        </Field>
      )}
      <ErrorNotice error={create.error} fields={['name', 'scopes', 'environmentIds']} testId="form-error" />
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
