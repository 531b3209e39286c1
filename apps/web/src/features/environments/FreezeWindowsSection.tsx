// A project's freeze windows: which hold now and which come next, a form to add a weekly or
// one-off window (for one environment or the whole project), and delete. Maintainers edit;
// everyone else reads.
import { formatInZone, weeklyPoint, type FreezeWindowView } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useEnvironments } from '../../api/environments/queries';
import { useCreateFreezeWindow, useDeleteFreezeWindow } from '../../api/release-rules/mutations';
import { useFreezeWindows } from '../../api/release-rules/queries';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, TextField } from '../../components/Field';
import { QueryView } from '../../components/QueryView';
import { Section } from '../../components/Section';
import { useI18n } from '../../i18n/useI18n';
import { emptyFreezeDraft, freezeBody, type FreezeDraft } from './freeze-window-draft';

const DAYS = [0, 1, 2, 3, 4, 5, 6] as const;

export function FreezeWindowsSection({ slug, canEdit }: { slug: string; canEdit: boolean }) {
  const { t } = useI18n();
  const windows = useFreezeWindows(slug);
  const remove = useDeleteFreezeWindow(slug);
  const [creating, setCreating] = useState(false);
  return (
    <Section
      title={t('freeze.title')}
      testId="freeze-windows"
      actions={
        canEdit && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setCreating(!creating)}
            data-testid="freeze-add"
          >
            {t('freeze.add')}
          </button>
        )
      }
    >
      <p className="muted small">{t('freeze.hint')}</p>
      {creating && <FreezeWindowForm slug={slug} onDone={() => setCreating(false)} />}
      <QueryView
        query={windows}
        isEmpty={(d) => d.length === 0}
        empty={
          <EmptyState testId="freeze-empty" title={t('freeze.empty.title')}>
            {t('freeze.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="freeze-table">
            <thead>
              <tr>
                <th>{t('freeze.reason')}</th>
                <th>{t('freeze.scope')}</th>
                <th>{t('freeze.when')}</th>
                <th>{t('freeze.autoDeploy')}</th>
                <th>{t('freeze.status')}</th>
                {canEdit && <th className="actions-col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {data.map((w) => (
                <tr key={w.id} data-testid={`freeze-row-${w.id}`}>
                  <td className="strong">{w.reason}</td>
                  <td>{w.environmentName ?? <span className="muted">{t('freeze.wholeProject')}</span>}</td>
                  <td className="small">{schedule(w)}</td>
                  <td>{t(`freeze.autoDeploy.${w.autoDeploy}`)}</td>
                  <td>
                    <FreezeStatus w={w} />
                  </td>
                  {canEdit && (
                    <td className="actions-col">
                      <ConfirmButton
                        testId="freeze-delete"
                        question={t('freeze.deleteConfirm', { reason: w.reason })}
                        pending={remove.isPending && remove.variables === w.id}
                        onConfirm={() => remove.mutate(w.id)}
                      >
                        {t('common.delete')}
                      </ConfirmButton>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      <ErrorNotice error={remove.error} testId="freeze-delete-error" />
    </Section>
  );
}

function schedule(w: FreezeWindowView): string {
  if (w.kind === 'weekly') {
    return `${weeklyPoint(w.startDay ?? 0, w.startTime ?? '')} → ${weeklyPoint(w.endDay ?? 0, w.endTime ?? '')} (${w.timeZone})`;
  }
  return `${formatInZone(new Date(w.startsAt!), w.timeZone)} → ${formatInZone(new Date(w.endsAt!), w.timeZone)}`;
}

function FreezeStatus({ w }: { w: FreezeWindowView }) {
  const { t } = useI18n();
  const { active, currentStart, currentEnd } = w.status;
  if (active && currentEnd) {
    return (
      <Badge tone="warn" testId="freeze-status-active">
        {t('freeze.status.active', { end: formatInZone(new Date(currentEnd), w.timeZone) })}
      </Badge>
    );
  }
  if (currentStart) {
    return (
      <Badge tone="info" testId="freeze-status-upcoming">
        {t('freeze.status.upcoming', { start: formatInZone(new Date(currentStart), w.timeZone) })}
      </Badge>
    );
  }
  return (
    <Badge tone="neutral" testId="freeze-status-over">
      {t('freeze.status.over')}
    </Badge>
  );
}

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

function FreezeWindowForm({ slug, onDone }: { slug: string; onDone: () => void }) {
  const { t } = useI18n();
  const envs = useEnvironments(slug);
  const create = useCreateFreezeWindow(slug);
  const [d, setD] = useState<FreezeDraft>(emptyFreezeDraft);
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
    create.mutate(r.body, { onSuccess: onDone });
  };
  return (
    <form className="card" onSubmit={submit} data-testid="freeze-form">
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
        <button
          type="submit"
          className="btn btn-primary btn-small"
          disabled={create.isPending}
          data-testid="freeze-save"
        >
          {create.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
      <ErrorNotice error={create.error} testId="freeze-error" />
    </form>
  );
}
