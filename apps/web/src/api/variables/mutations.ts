import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SetVariableBody, VariableView } from '@wharf/shared';
import { api, seg } from '../client';
import { variableKeys, type VariableScope } from './keys';
import { variablesPath } from './queries';

/** Creates or replaces one variable (PUT by name). */
export function useSetVariable(slug: string, scope: VariableScope) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SetVariableBody) => api<VariableView>(variablesPath(slug, scope), { method: 'PUT', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: variableKeys.list(slug, scope) }),
  });
}

export function useDeleteVariable(slug: string, scope: VariableScope) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<void>(`${variablesPath(slug, scope)}/${seg(name)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: variableKeys.list(slug, scope) }),
  });
}
