// The pure half of building a rolling-restart plan (Consul targets): from the stored target
// configs, the opened ACL tokens and the environment's restart secret to the executor's plan.
import type { RollingRestartPlan } from '@wharf/executors';
import type { ConsulTargetConfig, DeploySettings } from '@wharf/shared';

export interface ConsulTargetSource {
  id: string;
  name: string;
  config: ConsulTargetConfig;
  /** The opened token credential, or null when the target has none. */
  aclToken: string | null;
}

export interface RollingRestartSources {
  deploymentId: string;
  version: string;
  settings: Pick<DeploySettings, 'onFailure'>;
  /** The environment's restart secret, opened. */
  restartSecret: string;
  targets: ConsulTargetSource[];
}

/** The plan, and every secret value in it (for masking log lines). */
export function composeRollingRestartPlan(src: RollingRestartSources): { plan: RollingRestartPlan; secrets: string[] } {
  const secrets = [src.restartSecret, ...src.targets.map((t) => t.aclToken ?? '')].filter((s) => s.length > 0);
  return {
    plan: {
      deploymentId: src.deploymentId,
      version: src.version,
      restartSecret: src.restartSecret,
      settings: { onFailure: src.settings.onFailure },
      targets: src.targets.map((t) => ({ ...t.config, id: t.id, name: t.name, aclToken: t.aclToken })),
    },
    secrets,
  };
}
