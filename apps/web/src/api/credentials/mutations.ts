import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateCredentialBody, CredentialView, RotateCredentialBody } from '@wharf/shared';
import { api, seg } from '../client';
import { credentialKeys } from './keys';

const base = (slug: string) => `/projects/${seg(slug)}/credentials`;

export function useCreateCredential(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCredentialBody) => api<CredentialView>(base(slug), { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: credentialKeys.list(slug) }),
  });
}

export function useRotateCredential(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: RotateCredentialBody }) =>
      api<CredentialView>(`${base(slug)}/${seg(id)}/secret`, { method: 'PUT', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: credentialKeys.list(slug) }),
  });
}

export function useDeleteCredential(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`${base(slug)}/${seg(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: credentialKeys.list(slug) }),
  });
}
