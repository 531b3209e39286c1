import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import type { AuditEventView, AuditFilter, AuditVerifyView, Page } from '@wharf/shared';
import { api, buildUrl, seg } from '../client';
import { auditKeys } from './keys';

const PAGE = 50;

function basePath(slug: string | null): string {
  return slug ? `/projects/${seg(slug)}/audit` : '/audit';
}

/** The audit trail, newest first: a project's (`slug`), or the whole instance's (admins, slug null). */
export function useAudit(slug: string | null, filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: auditKeys.filtered(slug, filter),
    queryFn: ({ pageParam, signal }) =>
      api<Page<AuditEventView>>(basePath(slug), { query: { limit: PAGE, cursor: pageParam, ...filter }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Where the browser downloads the same events as CSV (streamed by the API). */
export function auditExportUrl(slug: string | null, filter: AuditFilter): string {
  return buildUrl(`${basePath(slug)}/export.csv`, { ...filter });
}

/** Walks the tamper-evident chain (admins). */
export function useVerifyAudit() {
  return useMutation({ mutationFn: () => api<AuditVerifyView>('/audit/verify') });
}
