import { useQuery } from '@tanstack/react-query';
import type { DeploySettings, VariableView } from '@wharf/shared';
import { api, seg } from '../client';
import { deployConfigKeys } from './keys';

const base = (slug: string, envId: string) => `/projects/${seg(slug)}/environments/${seg(envId)}`;

export function useDeploySettings(slug: string, envId: string) {
  return useQuery({
    queryKey: deployConfigKeys.settings(slug, envId),
    queryFn: ({ signal }) => api<DeploySettings>(`${base(slug, envId)}/settings`, { signal }),
  });
}

/** Maintainers only. Secret variables come back with `value: null` (write-only). */
export function useVariables(slug: string, envId: string) {
  return useQuery({
    queryKey: deployConfigKeys.variables(slug, envId),
    queryFn: async ({ signal }) => {
      const vars = await api<VariableView[]>(`${base(slug, envId)}/variables`, { signal });
      return [...vars].sort((a, b) => a.name.localeCompare(b.name));
    },
  });
}
