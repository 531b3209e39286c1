// The freeze window form's repeated fields, each bound to the form's draft: a select of fixed
// choices, a weekly bound (day of the week and time of day), and a one-off bound (a local date
// and time). Ids, names and test ids are the ones the form has always had.
import type { ReactNode } from 'react';
import { Field, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/useI18n';
import type { FreezeDraft } from './freeze-window-draft';

/** The draft, its validation issues by field name, and how to change it. */
export interface FreezeDraftBinding {
  draft: FreezeDraft;
  issues: Record<string, string>;
  set: (patch: Partial<FreezeDraft>) => void;
}

export interface Choice {
  value: string;
  label: ReactNode;
}

/** A select whose test id is its id. */
export function ChoiceField({
  id,
  name,
  label,
  value,
  choices,
  onChange,
}: {
  id: string;
  name: string;
  label: ReactNode;
  value: string;
  choices: readonly Choice[];
  onChange: (value: string) => void;
}) {
  return (
    <Field id={id} name={name} label={label}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={id}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

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

/** Where a weekly window starts or ends: a day of the week and a time of day. */
export function WeeklyBoundFields({ bound, form }: { bound: 'start' | 'end'; form: FreezeDraftBinding }) {
  const { t } = useI18n();
  const day = bound === 'start' ? 'startDay' : 'endDay';
  const time = bound === 'start' ? 'startTime' : 'endTime';
  return (
    <>
      <Field id={`freeze-${bound}-day`} name={day} label={t(`freeze.${day}`)}>
        <DaySelect id={`freeze-${bound}-day`} value={form.draft[day]} onChange={(v) => form.set({ [day]: v })} />
      </Field>
      <TextField
        id={`freeze-${bound}-time`}
        name={time}
        label={t(`freeze.${time}`)}
        type="time"
        value={form.draft[time]}
        onChange={(v) => form.set({ [time]: v })}
        error={form.issues[time]}
      />
    </>
  );
}

/** Where a one-off window starts or ends: a date and time in the browser's zone. */
export function OneOffBoundField({
  bound,
  form,
  hint,
}: {
  bound: 'start' | 'end';
  form: FreezeDraftBinding;
  hint?: ReactNode;
}) {
  const { t } = useI18n();
  const at = bound === 'start' ? 'startsAt' : 'endsAt';
  const id = `freeze-${bound}s-at`;
  return (
    <TextField
      id={id}
      name={at}
      label={t(`freeze.${at}`)}
      type="datetime-local"
      value={form.draft[at]}
      onChange={(v) => form.set({ [at]: v })}
      error={form.issues[at]}
      hint={hint}
      testId={id}
    />
  );
}
