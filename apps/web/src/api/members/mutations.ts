import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MemberView, UpsertMemberBody } from '@wharf/shared';
import { api, seg } from '../client';
import { authKeys } from '../auth/keys';
import { memberKeys } from './keys';

export function useUpsertMember(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpsertMemberBody) => api<MemberView>(`/projects/${seg(slug)}/members`, { method: 'PUT', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: memberKeys.list(slug) }),
  });
}

export function useRemoveMember(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api<void>(`/projects/${seg(slug)}/members/${seg(userId)}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: memberKeys.list(slug) });
      // Removing yourself changes what you may see.
      await qc.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}
