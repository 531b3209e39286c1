import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CreateDeploymentBody, DeploymentView, ReleaseOverrides } from '@wharf/shared';
import { API_BASE, api, seg } from '../client';
import { deploymentKeys } from './keys';

const base = (slug: string) => `/projects/${seg(slug)}`;

/** A new or changed deployment: seed its detail and refresh lists and environment status. */
function settle(qc: QueryClient, slug: string, view: DeploymentView) {
  qc.setQueryData(deploymentKeys.detail(slug, view.id), view);
  void qc.invalidateQueries({ queryKey: deploymentKeys.lists(slug) });
  void qc.invalidateQueries({ queryKey: deploymentKeys.environmentStatus(slug) });
}

export function useCreateDeployment(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateDeploymentBody) =>
      api<DeploymentView>(`${base(slug)}/deployments`, { method: 'POST', body }),
    onSuccess: (view) => settle(qc, slug, view),
  });
}

export function useCancelDeployment(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<DeploymentView>(`${base(slug)}/deployments/${seg(id)}/cancel`, { method: 'POST' }),
    onSuccess: (view) => settle(qc, slug, view),
  });
}

/** Re-runs the targets that did not succeed, as a new deployment. */
export function useRetryDeployment(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, confirm, ...overrides }: { id: string; confirm?: string } & ReleaseOverrides) =>
      api<DeploymentView>(`${base(slug)}/deployments/${seg(id)}/retry`, {
        method: 'POST',
        body: { confirm, ...overrides },
      }),
    onSuccess: (view) => settle(qc, slug, view),
  });
}

/** Deploys the environment's previous successful version again. */
export function useRollback(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({
      environmentId,
      confirm,
      ...overrides
    }: { environmentId: string; confirm?: string } & ReleaseOverrides) =>
      api<DeploymentView>(`${base(slug)}/environments/${seg(environmentId)}/rollback`, {
        method: 'POST',
        body: { confirm, ...overrides },
      }),
    onSuccess: (view) => settle(qc, slug, view),
  });
}

export const logDownloadUrl = (slug: string, id: string) =>
  `${API_BASE}${base(slug)}/deployments/${seg(id)}/logs/download`;
