import { useI18n } from '../i18n/useI18n';

export function LoadMore({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  testId = 'load-more',
}: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  testId?: string;
}) {
  const { t } = useI18n();
  if (!hasNextPage) return null;
  return (
    <div className="load-more">
      <button
        type="button"
        className="btn"
        data-testid={testId}
        disabled={isFetchingNextPage}
        onClick={() => void fetchNextPage()}
      >
        {isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
      </button>
    </div>
  );
}
