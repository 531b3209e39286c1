// The audit filters: free text, action (exact, or a family such as "deployment."), actor,
// subject type and a time range. Applied on submit, so typing does not refetch.
import type { AuditFilter } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/useI18n';

const SUBJECT_TYPES = [
  'deployment',
  'environment',
  'target',
  'credential',
  'token',
  'artifact',
  'project',
  'member',
  'user',
];

interface Draft {
  q: string;
  action: string;
  actor: string;
  subjectType: string;
  from: string;
  to: string;
}

const EMPTY: Draft = { q: '', action: '', actor: '', subjectType: '', from: '', to: '' };

/** `datetime-local` values are local time without a zone; the API wants an ISO instant. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function toFilter(d: Draft): AuditFilter {
  const text = (s: string) => s.trim() || undefined;
  return {
    q: text(d.q),
    action: text(d.action),
    actor: text(d.actor),
    subjectType: text(d.subjectType),
    from: toIso(d.from),
    to: toIso(d.to),
  };
}

export function AuditFilters({ onApply }: { onApply: (filter: AuditFilter) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const field = (name: keyof Draft) => ({
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(toFilter(draft));
  };
  return (
    <form className="audit-filters" onSubmit={submit} role="search" data-testid="audit-filters">
      <input
        aria-label={t('audit.filter.q')}
        placeholder={t('audit.filter.q')}
        data-testid="audit-filter-q"
        {...field('q')}
      />
      <input
        aria-label={t('audit.filterAction')}
        placeholder={t('audit.filter.actionHint')}
        className="mono"
        data-testid="audit-filter"
        {...field('action')}
      />
      <input
        aria-label={t('audit.actor')}
        placeholder={t('audit.actor')}
        data-testid="audit-filter-actor"
        {...field('actor')}
      />
      <select aria-label={t('audit.subject')} data-testid="audit-filter-subject" {...field('subjectType')}>
        <option value="">{t('audit.filter.anySubject')}</option>
        {SUBJECT_TYPES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <label className="small">
        {t('audit.filter.from')} <input type="datetime-local" data-testid="audit-filter-from" {...field('from')} />
      </label>
      <label className="small">
        {t('audit.filter.to')} <input type="datetime-local" data-testid="audit-filter-to" {...field('to')} />
      </label>
      <button type="submit" className="btn btn-small">
        {t('audit.filter')}
      </button>
      <button
        type="button"
        className="btn btn-small btn-ghost"
        onClick={() => {
          setDraft(EMPTY);
          onApply({});
        }}
      >
        {t('audit.filter.reset')}
      </button>
    </form>
  );
}
