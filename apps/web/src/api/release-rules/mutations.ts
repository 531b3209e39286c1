import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FreezeWindowBody, FreezeWindowView, PromotionRuleBody, PromotionRuleView } from '@wharf/shared';
import { api, seg } from '../client';
import { environmentKeys } from '../environments/keys';
import { releaseRuleKeys } from './keys';

export function useSetPromotionRule(slug: string, envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PromotionRuleBody) =>
      api<PromotionRuleView>(`/projects/${seg(slug)}/environments/${seg(envId)}/promotion-rule`, {
        method: 'PUT',
        body,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: environmentKeys.list(slug) });
      await qc.invalidateQueries({ queryKey: releaseRuleKeys.checks(slug) });
    },
  });
}

export function useCreateFreezeWindow(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: FreezeWindowBody) =>
      api<FreezeWindowView>(`/projects/${seg(slug)}/freeze-windows`, { method: 'POST', body }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: releaseRuleKeys.freezeWindows(slug) });
      await qc.invalidateQueries({ queryKey: releaseRuleKeys.checks(slug) });
    },
  });
}

/** Replaces a window (PUT sends the whole window again). */
export function useUpdateFreezeWindow(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: FreezeWindowBody }) =>
      api<FreezeWindowView>(`/projects/${seg(slug)}/freeze-windows/${seg(id)}`, { method: 'PUT', body }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: releaseRuleKeys.freezeWindows(slug) });
      await qc.invalidateQueries({ queryKey: releaseRuleKeys.checks(slug) });
    },
  });
}

export function useDeleteFreezeWindow(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/projects/${seg(slug)}/freeze-windows/${seg(id)}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: releaseRuleKeys.freezeWindows(slug) });
      await qc.invalidateQueries({ queryKey: releaseRuleKeys.checks(slug) });
    },
  });
}
