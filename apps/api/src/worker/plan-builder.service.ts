// Turns a deployment row into a self-contained executor plan: artifact file, targets with
// decrypted credentials and pinned host keys, variables (environment, then per-target
// overrides) and settings.
// The executor never touches the database.
import { Injectable } from '@nestjs/common';
import type { SshDeployPlan } from '@wharf/executors';
import { deploySettingsSchema, sshTargetConfigSchema } from '@wharf/shared';
import type { z } from 'zod';
import { ArtifactStorage } from '../artifacts/artifact-storage.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { SecretBoxService } from '../credentials/secret-box.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { composeSshPlan, type OpenedVariable, type TargetSource } from './plan-compose.js';

export interface BuiltPlan {
  plan: SshDeployPlan;
  /** Every secret value, for masking log lines. */
  secrets: string[];
  /** Targets that cannot run, with the reason (no approved host key, no credential, ...). */
  refused: { targetId: string; reason: string }[];
  environmentName: string;
  projectId: string;
  timeoutMinutes: number;
}

@Injectable()
export class PlanBuilder {
  constructor(
    private readonly prisma: PrismaService,
    private readonly credentials: CredentialsService,
    private readonly box: SecretBoxService,
    private readonly storage: ArtifactStorage,
  ) {}

  async build(deploymentId: string): Promise<BuiltPlan> {
    const d = await this.prisma.deployment.findUniqueOrThrow({
      where: { id: deploymentId },
      include: {
        artifact: true,
        environment: { include: { variables: true } },
        targets: { include: { target: { include: { variables: true } } } },
      },
    });
    if (d.artifact.kind !== 'tarball' || !d.artifact.storageKey || !d.artifact.sha256) {
      throw new Error(`version ${d.artifact.version} has no tarball to deploy`);
    }
    // Rows stored before a rule was tightened may not pass it any more: say which field,
    // rather than sending the executor something it refuses as "deploy plan is invalid".
    const parsedSettings = deploySettingsSchema.safeParse(d.environment.settings ?? {});
    if (!parsedSettings.success) {
      throw new Error(
        `deploy settings of ${d.environment.name} are invalid (${describeIssues(parsedSettings.error)}); fix them in the environment's settings`,
      );
    }
    const settings = parsedSettings.data;
    const open = (v: { name: string; secret: boolean; value: Uint8Array }): OpenedVariable => ({
      name: v.name,
      secret: v.secret,
      value: this.box.open(v.value),
    });

    const targets: TargetSource[] = [];
    const refused: BuiltPlan['refused'] = [];
    for (const dt of d.targets) {
      const t = dt.target;
      if (!t) continue; // deleted since the deployment was requested
      if (dt.state !== 'pending') continue;
      if (t.kind !== 'ssh') {
        refused.push({ targetId: t.id, reason: `${t.kind} targets are not supported by the SSH executor` });
        continue;
      }
      if (!t.hostKeyFingerprint) {
        refused.push({
          targetId: t.id,
          reason: `host key of ${t.name} is not approved yet: use "Test connection" and approve its fingerprint`,
        });
        continue;
      }
      if (!t.credentialId) {
        refused.push({ targetId: t.id, reason: `${t.name} has no SSH key credential` });
        continue;
      }
      const cfg = sshTargetConfigSchema.safeParse(t.config);
      if (!cfg.success) {
        refused.push({
          targetId: t.id,
          reason: `config of ${t.name} is invalid (${describeIssues(cfg.error)}); edit the target`,
        });
        continue;
      }
      const cred = await this.credentials.openCredential(d.projectId, t.credentialId);
      targets.push({
        id: t.id,
        name: t.name,
        config: cfg.data,
        pinnedHostKey: t.hostKeyFingerprint,
        credential: { privateKey: cred.value, ...(cred.passphrase ? { passphrase: cred.passphrase } : {}) },
        variables: t.variables.map(open),
      });
    }

    const { plan, secrets } = composeSshPlan({
      deploymentId: d.id,
      version: d.artifact.version,
      artifact: { path: this.storage.pathOf(d.artifact.storageKey), sha256: d.artifact.sha256 },
      settings,
      variables: d.environment.variables.map(open),
      targets,
    });
    return {
      plan,
      secrets,
      refused,
      environmentName: d.environment.name,
      projectId: d.projectId,
      timeoutMinutes: settings.timeoutMinutes,
    };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
