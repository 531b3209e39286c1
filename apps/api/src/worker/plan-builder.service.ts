// Turns a deployment row into a self-contained executor plan: artifact file, targets with
// decrypted credentials and pinned host keys, environment variables and settings.
// The executor never touches the database.
import { Injectable } from '@nestjs/common';
import type { SshDeployPlan, SshTargetPlan } from '@wharf/executors';
import { deploySettingsSchema, sshTargetConfigSchema } from '@wharf/shared';
import { ArtifactStorage } from '../artifacts/artifact-storage.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { SecretBoxService } from '../credentials/secret-box.service.js';
import { PrismaService } from '../prisma/prisma.service.js';

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
        targets: { include: { target: true } },
      },
    });
    if (d.artifact.kind !== 'tarball' || !d.artifact.storageKey || !d.artifact.sha256) {
      throw new Error(`version ${d.artifact.version} has no tarball to deploy`);
    }
    const settings = deploySettingsSchema.parse(d.environment.settings ?? {});
    const secrets: string[] = [];
    const env: Record<string, string> = {};
    const secretEnv: Record<string, string> = {};
    for (const v of d.environment.variables) {
      const value = this.box.open(v.value);
      if (v.secret) {
        secretEnv[v.name] = value;
        secrets.push(value);
      } else {
        env[v.name] = value;
      }
    }

    const targets: SshTargetPlan[] = [];
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
      const cfg = sshTargetConfigSchema.parse(t.config);
      const cred = await this.credentials.openCredential(d.projectId, t.credentialId);
      secrets.push(cred.value, ...(cred.passphrase ? [cred.passphrase] : []));
      targets.push({
        id: t.id,
        name: t.name,
        host: cfg.host,
        port: cfg.port,
        user: cfg.user,
        baseDir: cfg.baseDir,
        appName: cfg.appName,
        pinnedHostKey: t.hostKeyFingerprint,
        credential: { privateKey: cred.value, ...(cred.passphrase ? { passphrase: cred.passphrase } : {}) },
        healthCheck: cfg.healthCheck,
      });
    }

    return {
      plan: {
        deploymentId: d.id,
        version: d.artifact.version,
        artifact: { path: this.storage.pathOf(d.artifact.storageKey), sha256: d.artifact.sha256 },
        targets,
        settings: {
          installCommand: settings.installCommand,
          env,
          secretEnv,
          reload: settings.reload,
          health: settings.health,
          keepReleases: settings.keepReleases,
          preCommand: settings.preCommand,
          postCommand: settings.postCommand,
          batchSize: settings.batchSize as SshDeployPlan['settings']['batchSize'],
          onFailure: settings.onFailure,
        },
      },
      secrets: secrets.filter((s) => s.length > 0),
      refused,
      environmentName: d.environment.name,
      projectId: d.projectId,
      timeoutMinutes: settings.timeoutMinutes,
    };
  }
}
