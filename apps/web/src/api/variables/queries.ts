import { useQuery } from '@tanstack/react-query';
import type { VariableView } from '@wharf/shared';
import { api, seg } from '../client';
import { variableKeys, type VariableScope } from './keys';

export function variablesPath(slug: string, scope: VariableScope): string {
  return scope.kind === 'environment'
    ? `/projects/${seg(slug)}/environments/${seg(scope.envId)}/variables`
    : `/projects/${seg(slug)}/targets/${seg(scope.targetId)}/variables`;
}

/** Maintainers only. Secret variables come back with `value: null` (write-only). */
export function useVariables(slug: string, scope: VariableScope) {
  return useQuery({
    queryKey: variableKeys.list(slug, scope),
    queryFn: async ({ signal }) => {
      const vars = await api<VariableView[]>(variablesPath(slug, scope), { signal });
      return [...vars].sort((a, b) => a.name.localeCompare(b.name));
    },
  });
}
