import { useQuery } from '@tanstack/react-query';
import type { MeView } from '@wharf/shared';
import { api, isApiError } from '../client';
import { authKeys } from './keys';

/** The signed-in user, or null when there is no valid session (401). */
export async function fetchMe(): Promise<MeView | null> {
  try {
    return await api<MeView>('/auth/me');
  } catch (e) {
    if (isApiError(e) && e.statusCode === 401) return null;
    throw e;
  }
}

export function useMe() {
  return useQuery({ queryKey: authKeys.me(), queryFn: fetchMe, staleTime: 60_000 });
}
