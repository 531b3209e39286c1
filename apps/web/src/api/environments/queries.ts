import { useQuery } from '@tanstack/react-query';
import type { EnvironmentView } from '@wharf/shared';
import { api, seg } from '../client';
import { environmentKeys } from './keys';

/** Environments ordered by position (the API orders them; we sort again to be safe). */
export function useEnvironments(slug: string) {
  return useQuery({
    queryKey: environmentKeys.list(slug),
    queryFn: async () => {
      const envs = await api<EnvironmentView[]>(`/projects/${seg(slug)}/environments`);
      return [...envs].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
    },
  });
}
