import {
  AUTO_DEPLOY_EVENTS,
  AUTO_DEPLOY_REF_TYPES,
  createAutoDeployRuleSchema,
  updateAutoDeployRuleSchema,
  type AutoDeployEvent,
  type AutoDeployRefType,
  type AutoDeployRuleView,
  type EnvironmentView,
} from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useEnvironments } from '../../api/environments/queries';
import {
  useCreateAutoDeployRule,
  useDeleteAutoDeployRule,
  useUpdateAutoDeployRule,
} from '../../api/webhooks/mutations';
import { useAutoDeployRules } from '../../api/webhooks/queries';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

/**
 * Per environment: which branch or tags (on push, or when the pipeline succeeds) release there
 * by themselves. Protected environments never auto-deploy, and the page says so instead of
 * offering a form.
 */
export function AutoDeployRules({ slug, canEdit }: { slug: string; canEdit: boolean }) {
  const { t } = useI18n();
  const envs = useEnvironments(slug);
  const rules = useAutoDeployRules(slug);

  if (envs.isPending || rules.isPending) return <Spinner />;
  if (envs.isError) return <ErrorNotice error={envs.error} onRetry={() => void envs.refetch()} />;
  if (rules.isError) return <ErrorNotice error={rules.error} onRetry={() => void rules.refetch()} />;
  if (envs.data.length === 0) return <p className="muted">{t('rules.noEnvironments')}</p>;

  return (
    <table className="table" data-testid="auto-deploy-rules">
      <thead>
        <tr>
          <th>{t('rules.environment')}</th>
          <th>{t('rules.rules')}</th>
        </tr>
      </thead>
      <tbody>
        {envs.data.map((env) => (
          <EnvironmentRules
            key={env.id}
            slug={slug}
            env={env}
            rules={rules.data.filter((r) => r.environmentId === env.id)}
            canEdit={canEdit}
          />
        ))}
      </tbody>
    </table>
  );
}

function EnvironmentRules({
  slug,
  env,
  rules,
  canEdit,
}: {
  slug: string;
  env: EnvironmentView;
  rules: AutoDeployRuleView[];
  canEdit: boolean;
}) {
  const { t } = useI18n();
  const remove = useDeleteAutoDeployRule(slug);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);

  return (
    <tr data-testid={`rules-env-${env.name}`}>
      <td className="strong">
        {env.name}
        {env.protected && (
          <div>
            <Badge tone="warn">{t('environments.protected')}</Badge>
          </div>
        )}
      </td>
      <td>
        {env.protected && (
          <p className="alert alert-warn alert-inline" data-testid="rules-protected">
            {t('rules.protected', { env: env.name })}
          </p>
        )}
        {rules.length === 0 && !env.protected && <p className="muted small">{t('rules.none')}</p>}
        {rules.length > 0 && (
          <ul className="rule-list">
            {rules.map((r) =>
              editing === r.id ? (
                <li key={r.id}>
                  <RuleForm slug={slug} env={env} rule={r} onDone={() => setEditing(null)} />
                </li>
              ) : (
                <li key={r.id} data-testid="rule" data-pattern={r.pattern}>
                  <span className={env.protected ? 'muted' : undefined}>{describeRule(r, t)}</span>
                  {canEdit && (
                    <>
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid="rule-edit"
                        onClick={() => setEditing(r.id)}
                      >
                        {t('common.edit')}
                      </button>
                      <ConfirmButton
                        testId="rule-delete"
                        question={t('rules.deleteConfirm')}
                        pending={remove.isPending && remove.variables === r.id}
                        onConfirm={() => remove.mutate(r.id)}
                      >
                        {t('common.delete')}
                      </ConfirmButton>
                    </>
                  )}
                </li>
              ),
            )}
          </ul>
        )}
        {canEdit &&
          !env.protected &&
          (adding ? (
            <RuleForm slug={slug} env={env} onDone={() => setAdding(false)} />
          ) : (
            <button type="button" className="btn btn-small" data-testid="rule-add" onClick={() => setAdding(true)}>
              {t('rules.add')}
            </button>
          ))}
        <ErrorNotice error={remove.error} testId="rule-delete-error" />
      </td>
    </tr>
  );
}

function describeRule(r: AutoDeployRuleView, t: ReturnType<typeof useI18n>['t']): string {
  const minutes = Math.round(r.waitForArtifactSeconds / 60);
  const vars = { pattern: r.pattern, minutes };
  const what = r.refType === 'branch' ? t('rules.describe.branch', vars) : t('rules.describe.tag', vars);
  const when = r.event === 'push' ? t('rules.describe.onPush', vars) : t('rules.describe.onPipeline', vars);
  return `${what} ${when}`;
}

/** Adds a rule to `env`, or edits `rule`. */
function RuleForm({
  slug,
  env,
  rule,
  onDone,
}: {
  slug: string;
  env: EnvironmentView;
  rule?: AutoDeployRuleView;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateAutoDeployRule(slug);
  const update = useUpdateAutoDeployRule(slug);
  const mutation = rule ? update : create;
  const form = useFieldErrors(mutation);
  const [refType, setRefType] = useState<AutoDeployRefType>(rule?.refType ?? 'branch');
  const [pattern, setPattern] = useState(rule?.pattern ?? '');
  const [event, setEvent] = useState<AutoDeployEvent>(rule?.event ?? 'push');
  const [minutes, setMinutes] = useState(String(Math.round((rule?.waitForArtifactSeconds ?? 1800) / 60)));
  const idp = `rule-${rule?.id ?? env.id}`;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const input = {
      refType,
      pattern: pattern.trim(),
      event,
      waitForArtifactSeconds: /^\d{1,5}$/.test(minutes.trim()) ? Number(minutes.trim()) * 60 : -1,
    };
    const messages = { waitForArtifactSeconds: t('rules.waitInvalid') };
    if (rule) {
      const body = form.validate(updateAutoDeployRuleSchema, input, messages);
      if (body) update.mutate({ id: rule.id, body }, { onSuccess: () => onDone() });
    } else {
      const body = form.validate(createAutoDeployRuleSchema, input, messages);
      if (body) create.mutate({ environmentId: env.id, body }, { onSuccess: () => onDone() });
    }
  };

  return (
    <form className="rule-form" onSubmit={onSubmit} noValidate data-testid="rule-form">
      <Field id={`${idp}-type`} name="refType" label={t('rules.refType')} error={form.error('refType')}>
        <select
          id={`${idp}-type`}
          value={refType}
          onChange={(e) => setRefType(e.target.value as AutoDeployRefType)}
          data-testid="rule-ref-type"
        >
          {AUTO_DEPLOY_REF_TYPES.map((r) => (
            <option key={r} value={r}>
              {t(r === 'branch' ? 'rules.refType.branch' : 'rules.refType.tag')}
            </option>
          ))}
        </select>
      </Field>
      <TextField
        id={`${idp}-pattern`}
        name="pattern"
        label={refType === 'branch' ? t('rules.branch') : t('rules.tagPattern')}
        value={pattern}
        onChange={setPattern}
        error={form.error('pattern')}
        placeholder={refType === 'branch' ? 'dev' : 'v*'}
        mono
        autoFocus
        testId="rule-pattern"
      />
      <Field id={`${idp}-event`} name="event" label={t('rules.event')} error={form.error('event')}>
        <select
          id={`${idp}-event`}
          value={event}
          onChange={(e) => setEvent(e.target.value as AutoDeployEvent)}
          data-testid="rule-event"
        >
          {AUTO_DEPLOY_EVENTS.map((ev) => (
            <option key={ev} value={ev}>
              {t(ev === 'push' ? 'rules.event.push' : 'rules.event.pipeline')}
            </option>
          ))}
        </select>
      </Field>
      <TextField
        id={`${idp}-wait`}
        name="waitForArtifactSeconds"
        label={t('rules.waitMinutes')}
        value={minutes}
        onChange={setMinutes}
        error={form.error('waitForArtifactSeconds')}
        testId="rule-wait"
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={mutation.isPending} data-testid="rule-submit">
          {mutation.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
      <ErrorNotice
        error={mutation.error}
        fields={['refType', 'pattern', 'event', 'waitForArtifactSeconds']}
        testId="rule-error"
      />
    </form>
  );
}
