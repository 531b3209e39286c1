import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChangePasswordBody, LoginBody, MeView } from '@wharf/shared';
import { api } from '../client';
import { authKeys } from './keys';

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) => api<MeView>('/auth/login', { method: 'POST', body }),
    onSuccess: (me) => {
      // A different user may sign in on the same tab: drop everything cached for the last one.
      qc.clear();
      qc.setQueryData(authKeys.me(), me);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/auth/logout', { method: 'POST' }),
    onSettled: () => {
      qc.clear();
      qc.setQueryData(authKeys.me(), null);
    },
  });
}

/** Changes the signed-in user's password; the server ends every other session and renews this one's cookie. */
export function useChangePassword() {
  return useMutation({
    mutationFn: (body: ChangePasswordBody) => api<void>('/auth/password', { method: 'POST', body }),
  });
}
