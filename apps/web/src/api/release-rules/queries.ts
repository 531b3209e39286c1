import { useQuery } from '@tanstack/react-query';
import type { FreezeWindowView, ReleaseCheckView } from '@wharf/shared';
import { api, seg } from '../client';
import { releaseRuleKeys } from './keys';

/** Promotion rule, active freeze window and approvals for releasing `version` to an environment. */
export function useReleaseCheck(slug: string, envId: string | undefined, version: string, rollback = false) {
  return useQuery({
    queryKey: releaseRuleKeys.check(slug, envId ?? '', version, rollback),
    enabled: !!envId,
    queryFn: () =>
      api<ReleaseCheckView>(
        `/projects/${seg(slug)}/environments/${seg(envId!)}/release-check?version=${encodeURIComponent(version)}${rollback ? '&rollback=true' : ''}`,
      ),
    retry: false,
  });
}

export function useFreezeWindows(slug: string) {
  return useQuery({
    queryKey: releaseRuleKeys.freezeWindows(slug),
    queryFn: () => api<FreezeWindowView[]>(`/projects/${seg(slug)}/freeze-windows`),
    // Active / upcoming is computed by the API at read time: refresh now and then.
    refetchInterval: 60_000,
  });
}
