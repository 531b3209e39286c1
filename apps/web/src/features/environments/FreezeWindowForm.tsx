// The form that adds a freeze window or edits one: kind (weekly or one-off), scope, reason,
// time zone, the times, and what webhook auto-deploys do meanwhile. The shared schema checks
// the draft before it is sent, so a bad time range is named next to its field.
import type { FreezeWindowView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useEnvironments } from '../../api/environments/queries';
import { useCreateFreezeWindow, useUpdateFreezeWindow } from '../../api/release-rules/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';
import { ChoiceField, OneOffBoundField, WeeklyBoundFields, type FreezeDraftBinding } from './FreezeWindowFields';
import { draftFromWindow, emptyFreezeDraft, freezeBody, type FreezeDraft } from './freeze-window-draft';

/** Adds a window, or (given `window`) replaces that one with what the form holds. */
export function FreezeWindowForm({
  slug,
  window: existing,
  onDone,
}: {
  slug: string;
  window?: FreezeWindowView;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const envs = useEnvironments(slug);
  const create = useCreateFreezeWindow(slug);
  const update = useUpdateFreezeWindow(slug);
  const save = existing ? update : create;
  const [d, setD] = useState<FreezeDraft>(() => (existing ? draftFromWindow(existing) : emptyFreezeDraft()));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const set = (patch: Partial<FreezeDraft>) => setD({ ...d, ...patch });
  const form: FreezeDraftBinding = { draft: d, issues, set };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = freezeBody(d);
    if ('issues' in r) {
      setIssues(r.issues);
      return;
    }
    setIssues({});
    if (existing) update.mutate({ id: existing.id, body: r.body }, { onSuccess: onDone });
    else create.mutate(r.body, { onSuccess: onDone });
  };
  return (
    <form
      className="card"
      onSubmit={submit}
      data-testid="freeze-form"
      data-mode={existing ? 'edit' : 'create'}
      aria-label={existing ? t('freeze.editTitle', { reason: existing.reason }) : t('freeze.add')}
    >
      {existing && <p className="strong">{t('freeze.editTitle', { reason: existing.reason })}</p>}
      <div className="form-grid">
        <ChoiceField
          id="freeze-kind"
          name="kind"
          label={t('freeze.kind')}
          value={d.kind}
          choices={[
            { value: 'weekly', label: t('freeze.kind.weekly') },
            { value: 'once', label: t('freeze.kind.once') },
          ]}
          onChange={(v) => set({ kind: v === 'once' ? 'once' : 'weekly' })}
        />
        <ChoiceField
          id="freeze-scope"
          name="environmentId"
          label={t('freeze.scope')}
          value={d.environmentId}
          choices={[
            { value: '', label: t('freeze.wholeProject') },
            ...(envs.data ?? []).map((env) => ({ value: env.id, label: env.name })),
          ]}
          onChange={(v) => set({ environmentId: v })}
        />
        <TextField
          id="freeze-reason"
          name="reason"
          label={t('freeze.reason')}
          value={d.reason}
          onChange={(v) => set({ reason: v })}
          error={issues.reason}
          testId="freeze-reason"
        />
        <TextField
          id="freeze-zone"
          name="timeZone"
          label={t('freeze.timeZone')}
          value={d.timeZone}
          onChange={(v) => set({ timeZone: v })}
          error={issues.timeZone}
          hint={t('freeze.timeZoneHint')}
          mono
          testId="freeze-zone"
        />
        {d.kind === 'weekly' ? (
          <>
            <WeeklyBoundFields bound="start" form={form} />
            <WeeklyBoundFields bound="end" form={form} />
          </>
        ) : (
          <>
            <OneOffBoundField bound="start" form={form} hint={t('freeze.localTimeHint')} />
            <OneOffBoundField bound="end" form={form} />
          </>
        )}
        <ChoiceField
          id="freeze-auto"
          name="autoDeploy"
          label={t('freeze.autoDeploy')}
          value={d.autoDeploy}
          choices={[
            { value: 'wait', label: t('freeze.autoDeploy.wait') },
            { value: 'drop', label: t('freeze.autoDeploy.drop') },
          ]}
          onChange={(v) => set({ autoDeploy: v === 'drop' ? 'drop' : 'wait' })}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={save.isPending} data-testid="freeze-save">
          {save.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
      <ErrorNotice error={save.error} testId="freeze-error" />
    </form>
  );
}
