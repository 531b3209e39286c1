import { useGlobalAudit } from '../../api/audit/queries';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { Spinner } from '../../components/Spinner';
import { AuditTable } from '../../features/audit/AuditTable';
import { useI18n } from '../../i18n/useI18n';

export function AdminAuditPage() {
  const { t } = useI18n();
  const audit = useGlobalAudit();
  return (
    <>
      <PageHeader title={t('admin.audit.title')} subtitle={t('admin.audit.subtitle')} />
      {audit.isPending ? (
        <Spinner />
      ) : audit.isLoadingError ? (
        <ErrorNotice error={audit.error} onRetry={() => void audit.refetch()} />
      ) : audit.data.pages[0]?.items.length === 0 ? (
        <EmptyState testId="audit-empty" title={t('audit.empty.title')}>
          {t('audit.empty.body')}
        </EmptyState>
      ) : (
        <>
          <AuditTable events={audit.data.pages.flatMap((p) => p.items)} />
          <LoadMore
            hasNextPage={audit.hasNextPage}
            isFetchingNextPage={audit.isFetchingNextPage}
            fetchNextPage={() => audit.fetchNextPage()}
          />
          {audit.isError && <ErrorNotice error={audit.error} onRetry={() => void audit.fetchNextPage()} />}
        </>
      )}
    </>
  );
}
