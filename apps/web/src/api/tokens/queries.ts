import { useQuery } from '@tanstack/react-query';
import type { ApiTokenView } from '@wharf/shared';
import { api, seg } from '../client';
import { tokenKeys } from './keys';

export function useTokens(slug: string, enabled = true) {
  return useQuery({
    queryKey: tokenKeys.list(slug),
    queryFn: () => api<ApiTokenView[]>(`/projects/${seg(slug)}/tokens`),
    enabled,
  });
}
