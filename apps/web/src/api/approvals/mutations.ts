import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApprovalRuleBody, DeploymentView, EnvironmentView } from '@wharf/shared';
import { api, seg } from '../client';
import { deploymentKeys } from '../deployments/keys';
import { environmentKeys } from '../environments/keys';
import { approvalKeys } from './keys';

/** Approve (`approve`) or reject (`reject`, a comment required) a release waiting for approval. */
export function useDecideApproval(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, comment }: { id: string; decision: 'approve' | 'reject'; comment: string }) =>
      api<DeploymentView>(`/projects/${seg(slug)}/deployments/${seg(id)}/${decision}`, {
        method: 'POST',
        body: { comment },
      }),
    onSuccess: (view) => {
      qc.setQueryData(deploymentKeys.detail(slug, view.id), view);
      void qc.invalidateQueries({ queryKey: deploymentKeys.lists(slug) });
      void qc.invalidateQueries({ queryKey: deploymentKeys.environmentStatus(slug) });
      void qc.invalidateQueries({ queryKey: approvalKeys.queue() });
    },
  });
}

/**
 * Withdraws a release waiting for approval (its requester, a maintainer or an admin): the
 * cancel route, which for a waiting release releases nothing. Takes the slug per call, as the
 * Approvals page lists releases of several projects.
 */
export function useWithdrawRelease() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ slug, id }: { slug: string; id: string }) =>
      api<DeploymentView>(`/projects/${seg(slug)}/deployments/${seg(id)}/cancel`, { method: 'POST' }),
    onSuccess: (view, { slug }) => {
      qc.setQueryData(deploymentKeys.detail(slug, view.id), view);
      void qc.invalidateQueries({ queryKey: deploymentKeys.lists(slug) });
      void qc.invalidateQueries({ queryKey: deploymentKeys.environmentStatus(slug) });
      void qc.invalidateQueries({ queryKey: approvalKeys.queue() });
      void qc.invalidateQueries({ queryKey: approvalKeys.requested() });
    },
  });
}

/** An environment's approval rule (maintainers). */
export function useSetApprovalRule(slug: string, envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ApprovalRuleBody) =>
      api<EnvironmentView>(`/projects/${seg(slug)}/environments/${seg(envId)}/approval-rule`, {
        method: 'PUT',
        body,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: environmentKeys.list(slug) }),
  });
}
