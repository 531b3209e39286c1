// One Releases view for a project's tab and the admin page: filters, CSV export of the same
// selection, the table and paging.
import type { AdminReleaseFilter } from '@wharf/shared';
import { useState } from 'react';
import { releasesExportUrl, useReleases } from '../../api/releases/queries';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadMore } from '../../components/LoadMore';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/useI18n';
import { ReleaseFilters } from './ReleaseFilters';
import { ReleasesTable } from './ReleasesTable';

export function ReleaseReview({
  slug,
  environments,
  projects,
}: {
  /** A project's releases; null for every project (admins). */
  slug: string | null;
  environments?: { id: string; name: string }[];
  projects?: { slug: string; name: string }[];
}) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<AdminReleaseFilter>({});
  const releases = useReleases(slug, filter);
  const filtered = Object.values(filter).some((v) => v !== undefined);
  return (
    <>
      <div className="audit-toolbar">
        <ReleaseFilters environments={environments} projects={projects} onApply={setFilter} />
        <a className="btn btn-small" href={releasesExportUrl(slug, filter)} download data-testid="releases-export">
          {t('audit.export')}
        </a>
      </div>
      <QueryView
        query={releases}
        keepDataOnError
        isEmpty={(data) => data.pages[0]?.items.length === 0}
        empty={
          <EmptyState
            testId="releases-empty"
            title={filtered ? t('releases.empty.filtered') : t('releases.empty.title')}
          >
            {t('releases.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <ReleasesTable releases={data.pages.flatMap((p) => p.items)} showProject={slug === null} />
            <LoadMore
              hasNextPage={releases.hasNextPage}
              isFetchingNextPage={releases.isFetchingNextPage}
              fetchNextPage={() => releases.fetchNextPage()}
            />
            {releases.isError && <ErrorNotice error={releases.error} onRetry={() => void releases.fetchNextPage()} />}
          </>
        )}
      </QueryView>
    </>
  );
}
