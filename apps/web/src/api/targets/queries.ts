import { useQuery } from '@tanstack/react-query';
import type { TargetView } from '@wharf/shared';
import { api, seg } from '../client';
import { targetKeys } from './keys';

export function useTargets(slug: string, environmentId?: string) {
  return useQuery({
    queryKey: targetKeys.list(slug, environmentId),
    queryFn: () => api<TargetView[]>(`/projects/${seg(slug)}/targets`, { query: { environmentId } }),
  });
}
