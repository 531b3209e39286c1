import { useInfiniteQuery } from '@tanstack/react-query';
import type { AdminReleaseFilter, Page, ReleaseView } from '@wharf/shared';
import { api, buildUrl, seg } from '../client';
import { releaseKeys } from './keys';

const PAGE = 50;

function basePath(slug: string | null): string {
  return slug ? `/projects/${seg(slug)}/releases` : '/releases';
}

/** Releases, newest first: a project's (`slug`), or every project's (admins, slug null; `project` filters one). */
export function useReleases(slug: string | null, filter: AdminReleaseFilter) {
  return useInfiniteQuery({
    queryKey: releaseKeys.filtered(slug, filter),
    queryFn: ({ pageParam, signal }) =>
      api<Page<ReleaseView>>(basePath(slug), { query: { limit: PAGE, cursor: pageParam, ...filter }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Where the browser downloads the same releases as CSV (streamed by the API). */
export function releasesExportUrl(slug: string | null, filter: AdminReleaseFilter): string {
  return buildUrl(`${basePath(slug)}/export.csv`, { ...filter });
}
