import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { DeploymentView, EnvironmentStatusView, Page } from '@wharf/shared';
import { api, seg } from '../client';
import { deploymentKeys, type DeploymentFilters } from './keys';

export const isActiveState = (state: DeploymentView['state']) => state === 'queued' || state === 'running';

/** Polling interval while something is in flight and no live socket is telling us. */
const ACTIVE_POLL_MS = 5000;

/** History, newest first, one cursor page at a time; polled while a listed one is in flight. */
export function useDeployments(slug: string, filters: DeploymentFilters, limit = 25) {
  return useInfiniteQuery({
    queryKey: deploymentKeys.list(slug, filters, limit),
    queryFn: ({ pageParam, signal }) =>
      api<Page<DeploymentView>>(`/projects/${seg(slug)}/deployments`, {
        query: { ...filters, limit, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.items.some((d) => isActiveState(d.state))) ? ACTIVE_POLL_MS : false,
  });
}

/**
 * One deployment. The live socket pushes status changes into this cache entry; while the
 * socket is down (`poll`), an active deployment is polled instead.
 */
export function useDeployment(slug: string, id: string, opts: { poll?: boolean } = {}) {
  return useQuery({
    queryKey: deploymentKeys.detail(slug, id),
    queryFn: ({ signal }) => api<DeploymentView>(`/projects/${seg(slug)}/deployments/${seg(id)}`, { signal }),
    refetchInterval: (q) => (opts.poll && q.state.data && isActiveState(q.state.data.state) ? ACTIVE_POLL_MS : false),
  });
}

/** Per environment: the version it runs now and any deployment in flight (polled while one is). */
export function useEnvironmentStatus(slug: string, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: deploymentKeys.environmentStatus(slug),
    queryFn: ({ signal }) => api<EnvironmentStatusView[]>(`/projects/${seg(slug)}/environment-status`, { signal }),
    enabled: opts.enabled ?? true,
    refetchInterval: (q) => (q.state.data?.some((s) => s.active) ? ACTIVE_POLL_MS : false),
  });
}

/**
 * The version a rollback of `environmentId` would go back to: the newest succeeded
 * deployment whose version differs from the current one (the API's own rule).
 */
export function useRollbackTarget(
  slug: string,
  environmentId: string,
  currentVersion: string | null,
  enabled: boolean,
) {
  return useQuery({
    queryKey: [...deploymentKeys.list(slug, { environmentId, state: 'succeeded' }, 50), 'rollback-target'] as const,
    queryFn: ({ signal }) =>
      api<Page<DeploymentView>>(`/projects/${seg(slug)}/deployments`, {
        query: { environmentId, state: 'succeeded', limit: 50 },
        signal,
      }),
    enabled,
    select: (page) => page.items.find((d) => d.version !== currentVersion)?.version ?? null,
  });
}
