import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './client';
import { authKeys } from './auth/keys';

/**
 * Any 401 means the session is gone: mark "me" as signed out and the auth guard
 * sends the user to the login page. 4xx answers are never retried.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isApiError(error) && error.statusCode === 401) qc.setQueryData(authKeys.me(), null);
  };
  const qc: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) =>
          !(isApiError(error) && error.statusCode >= 400 && error.statusCode < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
  return qc;
}
