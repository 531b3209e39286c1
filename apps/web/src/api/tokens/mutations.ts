import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateApiTokenBody, CreatedApiTokenView } from '@wharf/shared';
import { api, seg } from '../client';
import { tokenKeys } from './keys';

/** The returned token value is the only copy: keep it in component state, never in the cache. */
export function useCreateToken(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiTokenBody) =>
      api<CreatedApiTokenView>(`/projects/${seg(slug)}/tokens`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokenKeys.list(slug) }),
  });
}

export function useRevokeToken(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/projects/${seg(slug)}/tokens/${seg(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokenKeys.list(slug) }),
  });
}
