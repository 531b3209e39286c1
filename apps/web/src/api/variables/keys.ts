import { environmentKeys } from '../environments/keys';
import { targetKeys } from '../targets/keys';

/** Whose variables: an environment's, or one target's overrides of them. */
export type VariableScope = { kind: 'environment'; envId: string } | { kind: 'target'; targetId: string };

export const variableKeys = {
  list: (slug: string, scope: VariableScope) =>
    scope.kind === 'environment'
      ? ([...environmentKeys.list(slug), scope.envId, 'variables'] as const)
      : ([...targetKeys.all(slug), 'variables', scope.targetId] as const),
};
