import { useInfiniteQuery } from '@tanstack/react-query';
import type { ArtifactView, Page } from '@wharf/shared';
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
