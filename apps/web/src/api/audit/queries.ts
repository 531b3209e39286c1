import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditEventView, Page } from '@wharf/shared';
import { api, seg } from '../client';
import { auditKeys } from './keys';

const PAGE = 50;

/** Project audit trail, newest first. `action` filters by exact action name ('' = all). */
export function useProjectAudit(slug: string, action: string) {
  return useInfiniteQuery({
    queryKey: auditKeys.project(slug, action),
    queryFn: ({ pageParam, signal }) =>
      api<Page<AuditEventView>>(`/projects/${seg(slug)}/audit`, {
        query: { limit: PAGE, cursor: pageParam, action },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Instance-wide audit trail (admins). The contract's global route has no action filter. */
export function useGlobalAudit() {
  return useInfiniteQuery({
    queryKey: auditKeys.global(''),
    queryFn: ({ pageParam, signal }) =>
      api<Page<AuditEventView>>('/audit', { query: { limit: PAGE, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
