import { useState, type FormEvent } from 'react';
import { useProjectAudit } from '../../api/audit/queries';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { Section } from '../../components/Section';
import { AuditTable } from '../../features/audit/AuditTable';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

export function AuditTab() {
  const { t } = useI18n();
  const { project } = useProjectContext();
  const [draft, setDraft] = useState('');
  const [action, setAction] = useState('');
  const audit = useProjectAudit(project.slug, action);

  const onFilter = (e: FormEvent) => {
    e.preventDefault();
    setAction(draft.trim());
  };

  return (
    <Section
      title={t('tab.audit')}
      actions={
        <form className="inline-filter" onSubmit={onFilter} role="search">
          <input
            aria-label={t('audit.filterAction')}
            placeholder={t('audit.filterAction')}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            data-testid="audit-filter"
            className="mono"
          />
          <button type="submit" className="btn btn-small">
            {t('audit.filter')}
          </button>
        </form>
      }
    >
      <QueryView
        query={audit}
        keepDataOnError
        isEmpty={(data) => data.pages[0]?.items.length === 0}
        empty={
          <EmptyState
            testId="audit-empty"
            title={action ? t('audit.empty.filtered', { action }) : t('audit.empty.title')}
          >
            {t('audit.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <AuditTable events={data.pages.flatMap((p) => p.items)} />
            <LoadMore
              hasNextPage={audit.hasNextPage}
              isFetchingNextPage={audit.isFetchingNextPage}
              fetchNextPage={() => audit.fetchNextPage()}
            />
            {audit.isError && <ErrorNotice error={audit.error} onRetry={() => void audit.fetchNextPage()} />}
          </>
        )}
      </QueryView>
    </Section>
  );
}
