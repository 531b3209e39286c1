import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateUserBody, PasswordResetView, ResetPasswordBody, UserView } from '@wharf/shared';
import { api, seg } from '../client';
import { userKeys } from './keys';

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserBody) => api<UserView>('/users', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });
}

/** An administrator sets (or has the server generate) another user's password. */
export function useResetPassword() {
  return useMutation({
    mutationFn: ({ userId, body }: { userId: string; body: ResetPasswordBody }) =>
      api<PasswordResetView>(`/users/${seg(userId)}/password`, { method: 'POST', body }),
  });
}
