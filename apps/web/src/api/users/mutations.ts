import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateUserBody, UserView } from '@wharf/shared';
import { api } from '../client';
import { userKeys } from './keys';

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserBody) => api<UserView>('/users', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });
}
