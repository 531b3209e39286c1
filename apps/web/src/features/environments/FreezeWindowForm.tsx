// The form that adds a freeze window or edits one: kind (weekly or one-off), scope, reason,
// time zone, the times, and what webhook auto-deploys do meanwhile. The shared schema checks
// the draft before it is sent, so a bad time range is named next to its field.
import type { FreezeWindowView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useEnvironments } from '../../api/environments/queries';
import { useCreateFreezeWindow, useUpdateFreezeWindow } from '../../api/release-rules/mutations';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';
import { draftFromWindow, emptyFreezeDraft, freezeBody, type FreezeDraft } from './freeze-window-draft';

const DAYS = [0, 1, 2, 3, 4, 5, 6] as const;

/** A day of the week (0 = Sunday), its value as the form keeps it: a string. */
function DaySelect({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  const { t } = useI18n();
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {DAYS.map((n) => (
        <option key={n} value={String(n)}>
          {t(`freeze.day.${n}`)}
        </option>
      ))}
    </select>
  );
}

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
        <Field id="freeze-kind" name="kind" label={t('freeze.kind')}>
          <select
            id="freeze-kind"
            value={d.kind}
            onChange={(e) => set({ kind: e.target.value === 'once' ? 'once' : 'weekly' })}
            data-testid="freeze-kind"
          >
            <option value="weekly">{t('freeze.kind.weekly')}</option>
            <option value="once">{t('freeze.kind.once')}</option>
          </select>
        </Field>
        <Field id="freeze-scope" name="environmentId" label={t('freeze.scope')}>
          <select
            id="freeze-scope"
            value={d.environmentId}
            onChange={(e) => set({ environmentId: e.target.value })}
            data-testid="freeze-scope"
          >
            <option value="">{t('freeze.wholeProject')}</option>
            {(envs.data ?? []).map((env) => (
              <option key={env.id} value={env.id}>
                {env.name}
              </option>
            ))}
          </select>
        </Field>
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
            <Field id="freeze-start-day" name="startDay" label={t('freeze.startDay')}>
              <DaySelect id="freeze-start-day" value={d.startDay} onChange={(v) => set({ startDay: v })} />
            </Field>
            <TextField
              id="freeze-start-time"
              name="startTime"
              label={t('freeze.startTime')}
              type="time"
              value={d.startTime}
              onChange={(v) => set({ startTime: v })}
              error={issues.startTime}
            />
            <Field id="freeze-end-day" name="endDay" label={t('freeze.endDay')}>
              <DaySelect id="freeze-end-day" value={d.endDay} onChange={(v) => set({ endDay: v })} />
            </Field>
            <TextField
              id="freeze-end-time"
              name="endTime"
              label={t('freeze.endTime')}
              type="time"
              value={d.endTime}
              onChange={(v) => set({ endTime: v })}
              error={issues.endTime}
            />
          </>
        ) : (
          <>
            <TextField
              id="freeze-starts-at"
              name="startsAt"
              label={t('freeze.startsAt')}
              type="datetime-local"
              value={d.startsAt}
              onChange={(v) => set({ startsAt: v })}
              error={issues.startsAt}
              hint={t('freeze.localTimeHint')}
              testId="freeze-starts-at"
            />
            <TextField
              id="freeze-ends-at"
              name="endsAt"
              label={t('freeze.endsAt')}
              type="datetime-local"
              value={d.endsAt}
              onChange={(v) => set({ endsAt: v })}
              error={issues.endsAt}
              testId="freeze-ends-at"
            />
          </>
        )}
        <Field id="freeze-auto" name="autoDeploy" label={t('freeze.autoDeploy')}>
          <select
            id="freeze-auto"
            value={d.autoDeploy}
            onChange={(e) => set({ autoDeploy: e.target.value === 'drop' ? 'drop' : 'wait' })}
            data-testid="freeze-auto"
          >
            <option value="wait">{t('freeze.autoDeploy.wait')}</option>
            <option value="drop">{t('freeze.autoDeploy.drop')}</option>
          </select>
        </Field>
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
