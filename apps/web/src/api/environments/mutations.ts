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

export interface ReorderInput {
  /** Environment ids in their new order. */
  ids: string[];
  onProgress?: (done: number, total: number) => void;
}

/**
 * The contract has no bulk reorder, so positions are rewritten one PATCH at a time
 * (position = index), skipping environments already in place.
 */
export function useReorderEnvironments(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ ids, onProgress }: ReorderInput) => {
      const current = qc.getQueryData<EnvironmentView[]>(environmentKeys.list(slug)) ?? [];
      const byId = new Map(current.map((e) => [e.id, e]));
      const changes = ids
        .map((id, position) => ({ id, position }))
        .filter(({ id, position }) => byId.get(id)?.position !== position);
      let done = 0;
      onProgress?.(done, changes.length);
      for (const { id, position } of changes) {
        await api<EnvironmentView>(`${base(slug)}/${seg(id)}`, { method: 'PATCH', body: { position } });
        onProgress?.(++done, changes.length);
      }
    },
    onSettled: () => qc.invalidateQueries({ queryKey: environmentKeys.list(slug) }),
  });
}
