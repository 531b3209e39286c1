import {
  createTargetSchema,
  TARGET_KINDS,
  targetConfigSchemas,
  targetKindSchema,
  updateTargetSchema,
  type CredentialView,
  type TargetKind,
  type TargetView,
} from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useCreateTarget, useUpdateTarget } from '../../api/targets/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';
import { ConsulTargetFields } from './ConsulTargetFields';
import { kubeconfigCredentials } from './kubernetes-fields';
import { KubernetesTargetFields } from './KubernetesTargetFields';
import { buildConfig, initialValues, TARGET_FIELDS, visibleFields, type TargetFieldDef } from './target-fields';

interface Props {
  slug: string;
  environmentId: string;
  target?: TargetView;
  credentials: CredentialView[] | undefined;
  onDone: () => void;
}

/** Create (kind selectable) or edit (kind fixed) a target; config fields follow the kind. */
export function TargetForm({ slug, environmentId, target, credentials, onDone }: Props) {
  const { t } = useI18n();
  const create = useCreateTarget(slug);
  const update = useUpdateTarget(slug);
  const mutation = target ? update : create;
  const form = useFieldErrors(mutation);
  const [kind, setKind] = useState<TargetKind>(target?.kind ?? 'ssh');
  const [name, setName] = useState(target?.name ?? '');
  const [credentialId, setCredentialId] = useState(target?.credentialId ?? '');
  const [values, setValues] = useState<Record<string, string>>(() =>
    initialValues(target?.kind ?? 'ssh', target?.config),
  );
  const idp = target ? `target-edit-${target.id}` : 'target-new';

  const changeKind = (next: TargetKind) => {
    setKind(next);
    setValues(initialValues(next));
    form.clear();
  };

  // The shared schema's messages are English; fields with a localized rule show that instead.
  const localized = Object.fromEntries(
    TARGET_FIELDS[kind].flatMap((f) => (f.invalid ? [[`config.${f.path}`, t(f.invalid)]] : [])),
  );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const input = { name, config: buildConfig(kind, values), credentialId: credentialId || null };
    if (target) {
      // The update schema takes any config record; check it against the kind's schema too.
      const schema = updateTargetSchema.extend({ config: targetConfigSchemas[target.kind] });
      const body = form.validate(schema, input, localized);
      if (body) update.mutate({ id: target.id, body }, { onSuccess: () => onDone() });
    } else {
      const body = form.validate(createTargetSchema, { kind, ...input }, localized);
      if (body) create.mutate({ environmentId, body }, { onSuccess: () => onDone() });
    }
  };

  // Kubernetes and Consul render their own fields (KubernetesTargetFields, ConsulTargetFields).
  const fields = kind === 'kubernetes' || kind === 'consul' ? [] : visibleFields(kind, values);
  const fieldError = (f: TargetFieldDef): string | undefined => form.error(`config.${f.path}`);
  const known = ['kind', 'name', 'credentialId', ...TARGET_FIELDS[kind].map((f) => `config.${f.path}`)];

  return (
    <form
      className={target ? 'form form-inline' : 'card form'}
      onSubmit={onSubmit}
      noValidate
      data-testid="target-form"
    >
      {!target && <h3>{t('targets.new')}</h3>}
      <div className="form-grid">
        <Field
          id={`${idp}-kind`}
          name="kind"
          label={t('targets.kind')}
          error={form.error('kind')}
          hint={t(`targetKind.${kind}.hint`)}
        >
          <select
            id={`${idp}-kind`}
            value={kind}
            disabled={Boolean(target)}
            data-testid="target-kind"
            onChange={(e) => {
              const parsed = targetKindSchema.safeParse(e.target.value);
              if (parsed.success) changeKind(parsed.data);
            }}
          >
            {TARGET_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`targetKind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          id={`${idp}-name`}
          name="name"
          label={t('field.name')}
          value={name}
          onChange={setName}
          error={form.error('name')}
          placeholder="web-1"
          mono
          testId="target-name"
        />
      </div>
      <fieldset className="fieldset">
        <legend>{t('targets.config', { kind: t(`targetKind.${kind}`) })}</legend>
        <div className="form-grid">
          {kind === 'kubernetes' && (
            <KubernetesTargetFields
              idp={idp}
              values={values}
              onChange={(path, v) => setValues((prev) => ({ ...prev, [path]: v }))}
              error={(path) => form.error(`config.${path}`)}
              credentials={credentials}
            />
          )}
          {kind === 'consul' && (
            <ConsulTargetFields
              idp={idp}
              slug={slug}
              environmentId={environmentId}
              values={values}
              onChange={(path, v) => setValues((prev) => ({ ...prev, [path]: v }))}
              error={(path) => form.error(`config.${path}`)}
            />
          )}
          {fields.map((f) => {
            const id = `${idp}-${f.path.replaceAll('.', '-')}`;
            const testId = `target-config-${f.path.replaceAll('.', '-')}`;
            const value = values[f.path] ?? '';
            const set = (v: string) => setValues((prev) => ({ ...prev, [f.path]: v }));
            if (f.type === 'select') {
              return (
                <Field key={f.path} id={id} name={`config.${f.path}`} label={t(f.label)} error={fieldError(f)}>
                  <select id={id} value={value} data-testid={testId} onChange={(e) => set(e.target.value)}>
                    {(f.options ?? []).map((o) => (
                      <option key={o.value} value={o.value}>
                        {t(o.label)}
                      </option>
                    ))}
                  </select>
                </Field>
              );
            }
            return (
              <TextField
                key={f.path}
                id={id}
                name={`config.${f.path}`}
                label={t(f.label)}
                value={value}
                onChange={set}
                error={fieldError(f)}
                hint={f.hint ? t(f.hint) : undefined}
                placeholder={f.placeholder}
                type={f.type === 'number' ? 'number' : 'text'}
                mono
                testId={testId}
              />
            );
          })}
        </div>
      </fieldset>
      <div className="form-grid">
        <Field
          id={`${idp}-credential`}
          name="credentialId"
          label={t('targets.credential')}
          error={form.error('credentialId')}
          hint={t(`targetKind.${kind}.credentialHint`)}
        >
          <select
            id={`${idp}-credential`}
            value={credentialId}
            data-testid="target-credential"
            onChange={(e) => setCredentialId(e.target.value)}
          >
            <option value="">{t('targets.noCredential')}</option>
            {(kind === 'kubernetes' ? kubeconfigCredentials(credentials, credentialId) : (credentials ?? [])).map(
              (c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({t(`credentialKind.${c.kind}`)})
                </option>
              ),
            )}
          </select>
        </Field>
      </div>
      <ErrorNotice error={mutation.error} fields={known} testId="form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={mutation.isPending} data-testid="target-submit">
          {mutation.isPending ? t('common.saving') : target ? t('common.save') : t('common.create')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
