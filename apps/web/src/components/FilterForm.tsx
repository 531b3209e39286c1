// What the list filters (Releases, Audit) share: a draft that is applied on submit (so typing
// does not refetch), the text and local-time conversions to the API's query, the time range
// inputs and the Filter / Reset buttons.
import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/useI18n';

/** Trimmed text, or undefined when blank (the API leaves out absent filters). */
export function optionalText(s: string): string | undefined {
  return s.trim() || undefined;
}

/** `datetime-local` values are local time without a zone; the API wants an ISO instant. */
export function localToIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** A filter form's draft: input bindings, submit (applies it) and reset (clears and applies). */
export function useFilterDraft<D extends { [K in keyof D]: string }, F>(
  empty: D,
  toFilter: (draft: D) => F,
  onApply: (filter: F) => void,
) {
  const [draft, setDraft] = useState<D>(empty);
  return {
    field: (name: keyof D) => ({
      value: draft[name],
      onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
    }),
    submit: (e: FormEvent) => {
      e.preventDefault();
      onApply(toFilter(draft));
    },
    reset: () => {
      setDraft(empty);
      onApply(toFilter(empty));
    },
  };
}

type Binding = { value: string; onChange: (e: { target: { value: string } }) => void };

/** From / to as `datetime-local` inputs, then Filter and Reset. */
export function TimeRangeAndButtons({
  testIdPrefix,
  from,
  to,
  onReset,
}: {
  testIdPrefix: string;
  from: Binding;
  to: Binding;
  onReset: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <label className="small">
        {t('audit.filter.from')} <input type="datetime-local" data-testid={`${testIdPrefix}-from`} {...from} />
      </label>
      <label className="small">
        {t('audit.filter.to')} <input type="datetime-local" data-testid={`${testIdPrefix}-to`} {...to} />
      </label>
      <button type="submit" className="btn btn-small" data-testid={`${testIdPrefix}-apply`}>
        {t('audit.filter')}
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={onReset}>
        {t('audit.filter.reset')}
      </button>
    </>
  );
}
