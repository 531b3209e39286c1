import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateEnvironmentBody, EnvironmentView, UpdateEnvironmentBody } from '@wharf/shared';
import { api, seg } from '../client';
import { environmentKeys } from './keys';

const base = (slug: string) => `/projects/${seg(slug)}/environments`;

export function useCreateEnvironment(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateEnvironmentBody) => api<EnvironmentView>(base(slug), { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: environmentKeys.list(slug) }),
  });
}

export function useUpdateEnvironment(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateEnvironmentBody }) =>
      api<EnvironmentView>(`${base(slug)}/${seg(id)}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: environmentKeys.list(slug) }),
  });
}

export function useDeleteEnvironment(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`${base(slug)}/${seg(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: environmentKeys.list(slug) }),
  });
}

/**
 * Moves one environment to `position` (0-based index). The API shifts the others so
 * positions stay dense, so one request is enough.
 */
export function useMoveEnvironment(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, position }: { id: string; position: number }) =>
      api<EnvironmentView>(`${base(slug)}/${seg(id)}`, { method: 'PATCH', body: { position } }),
    onSettled: () => qc.invalidateQueries({ queryKey: environmentKeys.list(slug) }),
  });
}
