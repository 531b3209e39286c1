import { useQuery } from '@tanstack/react-query';
import type { DeploySettings } from '@wharf/shared';
import { api, seg } from '../client';
import { deployConfigKeys } from './keys';

const base = (slug: string, envId: string) => `/projects/${seg(slug)}/environments/${seg(envId)}`;

export function useDeploySettings(slug: string, envId: string) {
  return useQuery({
    queryKey: deployConfigKeys.settings(slug, envId),
    queryFn: ({ signal }) => api<DeploySettings>(`${base(slug, envId)}/settings`, { signal }),
  });
}
