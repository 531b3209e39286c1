import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DeploySettings, SetVariableBody, UpdateDeploySettingsBody, VariableView } from '@wharf/shared';
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

/** Creates or replaces one variable (PUT by name). */
export function useSetVariable(slug: string, envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SetVariableBody) => api<VariableView>(`${base(slug, envId)}/variables`, { method: 'PUT', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: deployConfigKeys.variables(slug, envId) }),
  });
}

export function useDeleteVariable(slug: string, envId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<void>(`${base(slug, envId)}/variables/${seg(name)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: deployConfigKeys.variables(slug, envId) }),
  });
}
