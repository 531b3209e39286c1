import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LogRetentionBody, LogRetentionView } from '@wharf/shared';
import { api, seg } from '../client';
import { environmentKeys } from './keys';

/** Sets how long finished releases' logs stay in an environment (maintainers). */
export function useSetLogRetention(slug: string, envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: LogRetentionBody) =>
      api<LogRetentionView>(`/projects/${seg(slug)}/environments/${seg(envId)}/log-retention`, {
        method: 'PUT',
        body,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: environmentKeys.list(slug) }),
  });
}
