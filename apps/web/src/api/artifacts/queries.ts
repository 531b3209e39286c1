import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ArtifactRetentionView, ArtifactView, Page, RetentionPreviewView, RetentionSettings } from '@wharf/shared';
import { api, seg } from '../client';
import { artifactKeys } from './keys';

/** Newest first, one cursor page at a time ("Load more"). */
export function useArtifacts(slug: string, limit = 25) {
  return useInfiniteQuery({
    queryKey: artifactKeys.list(slug, limit),
    queryFn: ({ pageParam, signal }) =>
      api<Page<ArtifactView>>(`/projects/${seg(slug)}/artifacts`, {
        query: { limit, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Retention settings and storage used by the project's versions. */
export function useArtifactRetention(slug: string) {
  return useQuery({
    queryKey: artifactKeys.retention(slug),
    queryFn: ({ signal }) => api<ArtifactRetentionView>(`/projects/${seg(slug)}/artifact-retention`, { signal }),
  });
}

/** What retention with `settings` would delete now; `settings` null (invalid input) → no request. */
export function useRetentionPreview(slug: string, settings: RetentionSettings | null) {
  return useQuery({
    queryKey: artifactKeys.retentionPreview(slug, settings ?? { keepNewest: null, keepDeployedDays: null }),
    queryFn: ({ signal }) =>
      api<RetentionPreviewView>(`/projects/${seg(slug)}/artifact-retention/preview`, {
        query: { keepNewest: settings?.keepNewest, keepDeployedDays: settings?.keepDeployedDays },
        signal,
      }),
    enabled: settings !== null,
    placeholderData: keepPreviousData,
  });
}
