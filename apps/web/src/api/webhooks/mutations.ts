import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  AutoDeployRuleView,
  CreateAutoDeployRuleBody,
  CreatedWebhookTokenView,
  UpdateAutoDeployRuleBody,
} from '@wharf/shared';
import { api, seg } from '../client';
import { webhookKeys } from './keys';

/**
 * Generates or rotates the secret. The returned token is the only copy: keep it in component
 * state, never in the cache (the settings entry is refreshed without it).
 */
export function useRotateWebhookToken(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<CreatedWebhookTokenView>(`/projects/${seg(slug)}/webhook/token`, { method: 'POST' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.settings(slug) }),
  });
}

export function useRemoveWebhook(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>(`/projects/${seg(slug)}/webhook`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.settings(slug) }),
  });
}

export function useCreateAutoDeployRule(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ environmentId, body }: { environmentId: string; body: CreateAutoDeployRuleBody }) =>
      api<AutoDeployRuleView>(`/projects/${seg(slug)}/environments/${seg(environmentId)}/auto-deploy-rules`, {
        method: 'POST',
        body,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.rules(slug) }),
  });
}

export function useUpdateAutoDeployRule(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateAutoDeployRuleBody }) =>
      api<AutoDeployRuleView>(`/projects/${seg(slug)}/auto-deploy-rules/${seg(id)}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.rules(slug) }),
  });
}

export function useDeleteAutoDeployRule(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/projects/${seg(slug)}/auto-deploy-rules/${seg(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.rules(slug) }),
  });
}
