// The audit filters: free text, action (exact, or a family such as "deployment."), actor,
// subject type and a time range. Applied on submit, so typing does not refetch.
import type { AuditFilter } from '@wharf/shared';
import { localToIso, optionalText, TimeRangeAndButtons, useFilterDraft } from '../../components/FilterForm';
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

type Draft = Record<'q' | 'action' | 'actor' | 'subjectType' | 'from' | 'to', string>;

const EMPTY: Draft = { q: '', action: '', actor: '', subjectType: '', from: '', to: '' };

export function toFilter(d: Draft): AuditFilter {
  return {
    q: optionalText(d.q),
    action: optionalText(d.action),
    actor: optionalText(d.actor),
    subjectType: optionalText(d.subjectType),
    from: localToIso(d.from),
    to: localToIso(d.to),
  };
}

export function AuditFilters({ onApply }: { onApply: (filter: AuditFilter) => void }) {
  const { t } = useI18n();
  const { field, submit, reset } = useFilterDraft(EMPTY, toFilter, onApply);
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
      <TimeRangeAndButtons testIdPrefix="audit-filter" from={field('from')} to={field('to')} onReset={reset} />
    </form>
  );
}
