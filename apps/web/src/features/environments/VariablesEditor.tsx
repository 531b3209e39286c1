import { setVariableSchema, type VariableView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import type { VariableScope } from '../../api/variables/keys';
import { useDeleteVariable, useSetVariable } from '../../api/variables/mutations';
import { useVariables } from '../../api/variables/queries';
import { Badge } from '../../components/Badge';
import { DeleteRowActions } from '../../components/DeleteRowActions';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { CheckboxField, TextField } from '../../components/Field';
import { TimeAgo } from '../../components/TimeAgo';
import { useFieldErrors } from '../../hooks/useFieldErrors';
import { useI18n } from '../../i18n/useI18n';

const MASK = '••••••••';

/**
 * Variables of one environment, or one target's overrides of them. Secret values are
 * write-only: shown masked, replaceable.
 */
export function VariablesEditor({
  slug,
  scope,
  targetName = '',
}: {
  slug: string;
  scope: VariableScope;
  /** Shown in the title of a target's overrides. */
  targetName?: string;
}) {
  const { t } = useI18n();
  const vars = useVariables(slug, scope);
  const remove = useDeleteVariable(slug, scope);
  const forTarget = scope.kind === 'target';
  const [adding, setAdding] = useState(false);
  const [replacing, setReplacing] = useState<string | null>(null);

  return (
    <div className="variables" data-testid={forTarget ? 'target-variables' : 'variables'}>
      <div className="section-head">
        <h3>{forTarget ? t('targetVariables.title', { name: targetName }) : t('variables.title')}</h3>
        {!adding && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setAdding(true)}
            data-testid="variable-create-button"
          >
            {t('variables.add')}
          </button>
        )}
      </div>
      <p className="muted small">{forTarget ? t('targetVariables.help') : t('variables.help')}</p>
      {adding && <VariableForm slug={slug} scope={scope} onDone={() => setAdding(false)} />}
      <QueryView
        query={vars}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState
            testId="variables-empty"
            title={forTarget ? t('targetVariables.empty.title') : t('variables.empty.title')}
          >
            {forTarget ? t('targetVariables.empty.body') : t('variables.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="variables-table">
            <thead>
              <tr>
                <th>{t('field.name')}</th>
                <th>{t('variables.value')}</th>
                <th>{t('variables.updated')}</th>
                <th className="actions-col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((v) =>
                replacing === v.name ? (
                  <tr key={v.id} data-testid={`variable-row-${v.name}`} className="row-form">
                    <td colSpan={4}>
                      <VariableForm slug={slug} scope={scope} existing={v} onDone={() => setReplacing(null)} />
                    </td>
                  </tr>
                ) : (
                  <tr key={v.id} data-testid={`variable-row-${v.name}`}>
                    <td className="mono strong">{v.name}</td>
                    <td
                      className="mono truncate"
                      data-testid="variable-value"
                      title={v.secret ? t('variables.secretHint') : (v.value ?? '')}
                    >
                      {v.secret ? (
                        <>
                          <span aria-label={t('variables.hidden')}>{MASK}</span>{' '}
                          <Badge tone="warn">{t('variables.secret')}</Badge>
                        </>
                      ) : (
                        v.value
                      )}
                    </td>
                    <td>
                      <TimeAgo iso={v.updatedAt} />
                    </td>
                    <td className="actions-col">
                      <DeleteRowActions
                        rowKey={v.name}
                        remove={remove}
                        question={t('variables.deleteConfirm', { name: v.name })}
                        testId="variable-delete"
                      >
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => setReplacing(v.name)}
                          data-testid="variable-replace"
                        >
                          {v.secret ? t('variables.replace') : t('common.edit')}
                        </button>
                      </DeleteRowActions>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        )}
      </QueryView>
    </div>
  );
}

/** Adds a variable, or replaces the value of `existing` (a secret's old value is never shown). */
function VariableForm({
  slug,
  scope,
  existing,
  onDone,
}: {
  slug: string;
  scope: VariableScope;
  existing?: VariableView;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const save = useSetVariable(slug, scope);
  const form = useFieldErrors(save);
  const [name, setName] = useState(existing?.name ?? '');
  const [value, setValue] = useState(existing && !existing.secret ? (existing.value ?? '') : '');
  const [secret, setSecret] = useState(existing?.secret ?? false);
  const idp = `var-${scope.kind === 'environment' ? scope.envId : scope.targetId}-${existing?.name ?? 'new'}`;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(setVariableSchema, { name: name.trim(), value, secret });
    if (body)
      save.mutate(body, {
        onSuccess: () => {
          setValue('');
          onDone();
        },
      });
  };

  return (
    <form
      className={existing ? 'form form-inline' : 'card form'}
      onSubmit={onSubmit}
      noValidate
      autoComplete="off"
      data-testid="variable-form"
    >
      {existing?.secret && <p className="muted small">{t('variables.replaceHelp', { name: existing.name })}</p>}
      <div className="form-grid">
        <TextField
          id={`${idp}-name`}
          name="name"
          label={t('field.name')}
          value={name}
          onChange={setName}
          error={form.error('name')}
          placeholder="DATABASE_URL"
          disabled={!!existing}
          mono
          autoFocus={!existing}
          testId="variable-name"
        />
        <TextField
          id={`${idp}-value`}
          name="value"
          label={t('variables.value')}
          value={value}
          onChange={setValue}
          error={form.error('value')}
          type={secret ? 'password' : 'text'}
          autoComplete="new-password"
          autoFocus={!!existing}
          mono
          testId="variable-value-input"
        />
        <CheckboxField
          id={`${idp}-secret`}
          name="secret"
          label={t('variables.secret')}
          text={t('variables.secretLabel')}
          checked={secret}
          onChange={setSecret}
          error={form.error('secret')}
          hint={t('variables.secretHint')}
          testId="variable-secret"
        />
      </div>
      <ErrorNotice error={save.error} fields={['name', 'value', 'secret']} testId="form-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="variable-submit">
          {save.isPending ? t('common.saving') : existing ? t('variables.replaceSubmit') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
