// One audit view for a project's tab and the admin page: filters, CSV export of the same
// selection, the readable table and paging.
import type { AuditFilter } from '@wharf/shared';
import { useState } from 'react';
import { auditExportUrl, useAudit } from '../../api/audit/queries';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/useI18n';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';

export function AuditTrail({
  slug,
  slugOf,
}: {
  slug: string | null;
  slugOf: (projectId: string | null) => string | null;
}) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<AuditFilter>({});
  const audit = useAudit(slug, filter);
  const filtered = Object.values(filter).some((v) => v !== undefined);
  return (
    <>
      <div className="audit-toolbar">
        <AuditFilters onApply={setFilter} />
        <a className="btn btn-small" href={auditExportUrl(slug, filter)} download data-testid="audit-export">
          {t('audit.export')}
        </a>
      </div>
      <QueryView
        query={audit}
        keepDataOnError
        isEmpty={(data) => data.pages[0]?.items.length === 0}
        empty={
          <EmptyState testId="audit-empty" title={filtered ? t('audit.empty.filteredAny') : t('audit.empty.title')}>
            {t('audit.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <AuditTable events={data.pages.flatMap((p) => p.items)} slugOf={slugOf} />
            <LoadMore
              hasNextPage={audit.hasNextPage}
              isFetchingNextPage={audit.isFetchingNextPage}
              fetchNextPage={() => audit.fetchNextPage()}
            />
            {audit.isError && <ErrorNotice error={audit.error} onRetry={() => void audit.fetchNextPage()} />}
          </>
        )}
      </QueryView>
    </>
  );
}
