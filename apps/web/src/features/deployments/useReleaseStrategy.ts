import { useQuery } from '@tanstack/react-query';
import {
  isRollingRestart,
  releaseStrategyOf,
  rollingRestartRefusal,
  type DeploySettings,
  type TargetView,
} from '@wharf/shared';
import { api, seg } from '../../api/client';
import { deployConfigKeys } from '../../api/deploy-config/keys';
import { targetKeys } from '../../api/targets/keys';

export interface ReleaseStrategyInfo {
  /** A release here restarts the running instances one at a time (Consul, or SSH set to rolling restart). */
  rolling: boolean;
  /** The environment is protected and does not allow rolling restarts: the API will refuse it. */
  refused: boolean;
}

/**
 * What a release to this environment will do, from the same shared rules the API and the
 * worker apply (target kinds + deploy settings). Null until known, or when it cannot be read.
 */
export function useReleaseStrategy(
  slug: string,
  env: { environmentId: string; environmentName: string; protected: boolean } | undefined,
): ReleaseStrategyInfo | null {
  const envId = env?.environmentId ?? '';
  const settings = useQuery({
    queryKey: deployConfigKeys.settings(slug, envId),
    queryFn: ({ signal }) =>
      api<DeploySettings>(`/projects/${seg(slug)}/environments/${seg(envId)}/settings`, { signal }),
    enabled: envId !== '',
  });
  const targets = useQuery({
    queryKey: targetKeys.list(slug, envId),
    queryFn: () => api<TargetView[]>(`/projects/${seg(slug)}/targets`, { query: { environmentId: envId } }),
    enabled: envId !== '',
  });
  if (!env || !settings.data || !targets.data) return null;
  const strategy = releaseStrategyOf(
    targets.data.map((t) => t.kind),
    settings.data,
  );
  const rolling = strategy !== null && isRollingRestart(strategy);
  const refused =
    rolling && rollingRestartRefusal({ name: env.environmentName, protected: env.protected }, settings.data) !== null;
  return { rolling, refused };
}
