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

/**
 * The Consul addresses of a target (its URL and its agents) its token credential may not be
 * sent to: a maintainer can point a target anywhere, but only someone who knows the token can
 * change where it may go (the credential's allowed origins change only with its value).
 */
export function consulAddressesNotAllowed(config: ConsulTargetConfig, allowedOrigins: string[]): string[] {
  const allowed = new Set(allowedOrigins.map(originOf));
  return [config.consulUrl, ...config.agents].filter((url) => !allowed.has(originOf(url)));
}

export function tokenNotAllowedReason(target: string, addresses: string[], allowedOrigins: string[]): string {
  const where = allowedOrigins.length > 0 ? `only to ${allowedOrigins.join(', ')}` : 'nowhere yet';
  return `${target}'s token credential may be sent ${where}, not to ${addresses.map(originOf).join(', ')}; rotate the credential (re-enter the token) with that address under "May be sent to"`;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
