import type { ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice';
import { Spinner } from './Spinner';

/** The parts of a TanStack query (plain or infinite) that the ladder reads. */
export interface QueryState<T> {
  isPending: boolean;
  isError: boolean;
  isLoadingError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/**
 * The loading → error → empty → content ladder every list shares.
 * Paged lists pass `keepDataOnError`: a failed next page is shown beside the rows already loaded,
 * so only a failed first load replaces them.
 */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  keepDataOnError = false,
  children,
}: {
  query: QueryState<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  keepDataOnError?: boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Spinner />;
  const failed = keepDataOnError ? query.isLoadingError : query.isError;
  if (failed || query.data === undefined) {
    return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}
