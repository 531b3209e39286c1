import {
  CREDENTIAL_ALLOWED_ORIGINS_MAX,
  CREDENTIAL_KINDS,
  createCredentialSchema,
  credentialKindSchema,
  rotateCredentialSchema,
  type CredentialKind,
  type CredentialView,
} from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useCreateCredential, useRotateCredential } from '../../api/credentials/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

const PLACEHOLDER: Record<CredentialKind, string> = {
  ssh_key: '-----BEGIN OPENSSH PRIVATE KEY-----\n…\n-----END OPENSSH PRIVATE KEY-----',
  kubeconfig: 'apiVersion: v1\nkind: Config\n…',
  token: '…',
};

/**
 * Creates a credential, or rotates the secret of `credential` when given. The secret lives
 * only in this form's state and is cleared after a successful save.
 */
export function CredentialForm({
  slug,
  credential,
  onDone,
}: {
  slug: string;
  credential?: CredentialView;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateCredential(slug);
  const rotate = useRotateCredential(slug);
  const mutation = credential ? rotate : create;
  const form = useFieldErrors(mutation);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<CredentialKind>(credential?.kind ?? 'ssh_key');
  const [value, setValue] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [origins, setOrigins] = useState((credential?.allowedOrigins ?? []).join('\n'));
  const idp = credential ? `cred-rotate-${credential.id}` : 'cred-new';

  const done = () => {
    setValue('');
    setPassphrase('');
    onDone();
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const secret = {
      value,
      passphrase: kind === 'ssh_key' && passphrase !== '' ? passphrase : undefined,
      allowedOrigins: kind === 'token' ? originLines(origins) : undefined,
    };
    if (credential) {
      const body = form.validate(rotateCredentialSchema, secret);
      if (body) rotate.mutate({ id: credential.id, body }, { onSuccess: done });
    } else {
      const body = form.validate(createCredentialSchema, { name, kind, ...secret });
      if (body) create.mutate(body, { onSuccess: done });
    }
  };

  return (
    <form
      className={credential ? 'form form-inline' : 'card form'}
      onSubmit={onSubmit}
      noValidate
      data-testid="credential-form"
      autoComplete="off"
    >
      {!credential && <h3>{t('credentials.new')}</h3>}
      {credential && <p className="muted">{t('credentials.rotateHelp', { name: credential.name })}</p>}
      {!credential && (
        <div className="form-grid">
          <TextField
            id={`${idp}-name`}
            name="name"
            label={t('field.name')}
            value={name}
            onChange={setName}
            error={form.error('name')}
            placeholder="deploy-key"
            mono
            autoFocus
            testId="credential-name"
          />
          <Field id={`${idp}-kind`} name="kind" label={t('credentials.kind')} error={form.error('kind')}>
            <select
              id={`${idp}-kind`}
              value={kind}
              data-testid="credential-kind"
              onChange={(e) => {
                const parsed = credentialKindSchema.safeParse(e.target.value);
                if (parsed.success) setKind(parsed.data);
              }}
            >
              {CREDENTIAL_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`credentialKind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
      )}
      <TextField
        id={`${idp}-value`}
        name="value"
        label={t('credentials.value')}
        value={value}
        onChange={setValue}
        error={form.error('value')}
        hint={t('credentials.valueHint')}
        placeholder={PLACEHOLDER[kind]}
        multiline
        rows={6}
        mono
        testId="credential-value"
      />
      {kind === 'ssh_key' && (
        <TextField
          id={`${idp}-passphrase`}
          name="passphrase"
          type="password"
          label={t('credentials.passphrase')}
          value={passphrase}
          onChange={setPassphrase}
          error={form.error('passphrase')}
          hint={t('credentials.passphraseHint')}
          autoComplete="new-password"
          testId="credential-passphrase"
        />
      )}
      {kind === 'token' && (
        <TextField
          id={`${idp}-origins`}
          name="allowedOrigins"
          label={t('credentials.allowedOrigins')}
          value={origins}
          onChange={setOrigins}
          error={originsError(form.error)}
          hint={t('credentials.allowedOriginsHint')}
          placeholder="https://consul.internal:8501"
          multiline
          rows={3}
          mono
          testId="credential-origins"
        />
      )}
      <ErrorNotice
        error={mutation.error}
        fields={['name', 'kind', 'value', 'passphrase', 'allowedOrigins']}
        testId="form-error"
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={mutation.isPending} data-testid="credential-submit">
          {mutation.isPending ? t('common.saving') : credential ? t('credentials.rotate') : t('common.create')}
        </button>
        <button type="button" className="btn" onClick={done}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** One origin per line; blank lines ignored. */
function originLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The first error on the list or on one of its lines (`allowedOrigins.2`). */
function originsError(error: (path: string) => string | undefined): string | undefined {
  if (error('allowedOrigins')) return error('allowedOrigins');
  for (let i = 0; i < CREDENTIAL_ALLOWED_ORIGINS_MAX; i++)
    if (error(`allowedOrigins.${i}`)) return error(`allowedOrigins.${i}`);
  return undefined;
}
