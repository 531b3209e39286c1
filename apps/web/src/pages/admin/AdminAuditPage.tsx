import { useGlobalAudit } from '../../api/audit/queries';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { AuditTable } from '../../features/audit/AuditTable';
import { useI18n } from '../../i18n/useI18n';

export function AdminAuditPage() {
  const { t } = useI18n();
  const audit = useGlobalAudit();
  return (
    <>
      <PageHeader title={t('admin.audit.title')} subtitle={t('admin.audit.subtitle')} />
      <QueryView
        query={audit}
        keepDataOnError
        isEmpty={(data) => data.pages[0]?.items.length === 0}
        empty={
          <EmptyState testId="audit-empty" title={t('audit.empty.title')}>
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
    </>
  );
}
