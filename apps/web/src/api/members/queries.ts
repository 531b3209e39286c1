import { useQuery } from '@tanstack/react-query';
import type { MemberView } from '@wharf/shared';
import { api, seg } from '../client';
import { memberKeys } from './keys';

export function useMembers(slug: string) {
  return useQuery({
    queryKey: memberKeys.list(slug),
    queryFn: () => api<MemberView[]>(`/projects/${seg(slug)}/members`),
  });
}
