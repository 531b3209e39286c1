import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  CreateTarget,
  HostPreflightView,
  KubernetesTargetPreflightView,
  TargetView,
  UpdateTarget,
} from '@wharf/shared';
import { api, seg } from '../client';
import { targetKeys } from './keys';

export function useCreateTarget(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ environmentId, body }: { environmentId: string; body: CreateTarget }) =>
      api<TargetView>(`/projects/${seg(slug)}/environments/${seg(environmentId)}/targets`, {
        method: 'POST',
        body,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: targetKeys.all(slug) }),
  });
}

export function useUpdateTarget(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateTarget }) =>
      api<TargetView>(`/projects/${seg(slug)}/targets/${seg(id)}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: targetKeys.all(slug) }),
  });
}

export function useDeleteTarget(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/projects/${seg(slug)}/targets/${seg(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: targetKeys.all(slug) }),
  });
}

/**
 * Runs the preflight checks against a target: an SSH target also reports the host key it
 * offers, a Kubernetes target its workload's current image and replicas.
 */
export function useTestConnection(slug: string) {
  return useMutation({
    mutationFn: (id: string) =>
      api<HostPreflightView | KubernetesTargetPreflightView>(
        `/projects/${seg(slug)}/targets/${seg(id)}/test-connection`,
        {
          method: 'POST',
        },
      ),
  });
}

/** Pins the fingerprint the admin saw (admins only; the API refuses a key the host no longer offers). */
export function useApproveHostKey(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, fingerprint }: { id: string; fingerprint: string }) =>
      api<TargetView>(`/projects/${seg(slug)}/targets/${seg(id)}/host-key`, { method: 'PUT', body: { fingerprint } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: targetKeys.all(slug) }),
  });
}
