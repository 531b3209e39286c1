import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DeploySettings, UpdateDeploySettingsBody } from '@wharf/shared';
import { api, seg } from '../client';
import { deployConfigKeys } from './keys';

const base = (slug: string, envId: string) => `/projects/${seg(slug)}/environments/${seg(envId)}`;

/** PATCH: a deep partial; the API keeps every field not sent. Answers with the whole, merged settings. */
export function useUpdateDeploySettings(slug: string, envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateDeploySettingsBody) =>
      api<DeploySettings>(`${base(slug, envId)}/settings`, { method: 'PATCH', body }),
    onSuccess: (settings) => qc.setQueryData(deployConfigKeys.settings(slug, envId), settings),
  });
}
