import { useQuery } from '@tanstack/react-query';
import type { UserView } from '@wharf/shared';
import { api } from '../client';
import { userKeys } from './keys';

export function useUsers() {
  return useQuery({ queryKey: userKeys.list(), queryFn: () => api<UserView[]>('/users') });
}
