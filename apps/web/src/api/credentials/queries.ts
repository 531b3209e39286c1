import { useQuery } from '@tanstack/react-query';
import type { CredentialView } from '@wharf/shared';
import { api, seg } from '../client';
import { credentialKeys } from './keys';

/** Maintainers only; pass enabled=false for other roles to avoid a pointless 403. */
export function useCredentials(slug: string, enabled = true) {
  return useQuery({
    queryKey: credentialKeys.list(slug),
    queryFn: () => api<CredentialView[]>(`/projects/${seg(slug)}/credentials`),
    enabled,
  });
}
