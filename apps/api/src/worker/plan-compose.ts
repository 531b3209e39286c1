// The pure half of the plan builder: from validated settings, target configs and opened
// variables to an executor plan. Kept apart from the database so a test can feed it every
// kind of API-valid input and check that the executor's own validation accepts the result.
import type { SshDeployPlan, SshTargetPlan } from '@wharf/executors';
import type { DeploySettings, SshTargetConfig } from '@wharf/shared';

export interface OpenedVariable {
  name: string;
  secret: boolean;
  value: string;
}

export interface TargetSource {
  id: string;
  name: string;
  config: SshTargetConfig;
  pinnedHostKey: string;
  credential: { privateKey: string; passphrase?: string };
  /** This target's overrides of the environment variables. */
  variables: OpenedVariable[];
}

export interface PlanSources {
  deploymentId: string;
  version: string;
  artifact: { path: string; sha256: string };
  settings: DeploySettings;
  variables: OpenedVariable[];
  targets: TargetSource[];
}

function split(vars: OpenedVariable[]): { env: Record<string, string>; secretEnv: Record<string, string> } {
  const env: Record<string, string> = {};
  const secretEnv: Record<string, string> = {};
  for (const v of vars) (v.secret ? secretEnv : env)[v.name] = v.value;
  return { env, secretEnv };
}

/** The plan, and every secret value in it (for masking log lines). */
export function composeSshPlan(src: PlanSources): { plan: SshDeployPlan; secrets: string[] } {
  const { timeoutMinutes: _workerOnly, ...settings } = src.settings;
  const secrets = [...src.variables, ...src.targets.flatMap((t) => t.variables)]
    .filter((v) => v.secret)
    .map((v) => v.value);
  const targets: SshTargetPlan[] = src.targets.map((t) => {
    secrets.push(t.credential.privateKey, ...(t.credential.passphrase ? [t.credential.passphrase] : []));
    return {
      ...t.config,
      id: t.id,
      name: t.name,
      pinnedHostKey: t.pinnedHostKey,
      credential: t.credential,
      ...split(t.variables),
    };
  });
  return {
    plan: {
      deploymentId: src.deploymentId,
      version: src.version,
      artifact: src.artifact,
      targets,
      settings: { ...settings, ...split(src.variables) },
    },
    secrets: secrets.filter((s) => s.length > 0),
  };
}
