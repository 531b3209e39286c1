// Turns a deployment row into a ready-to-run release: it picks the strategy (SSH release,
// SSH rolling restart, Kubernetes release, Consul rolling restart), opens the credentials
// and variables, composes the executor's plan and returns one `execute` the runner calls.
// The executors never touch the database.
import { Injectable } from '@nestjs/common';
import {
  createRollingRestartExecutor,
  createSshExecutor,
  createSshRollingRestartExecutor,
  runKubernetesRelease,
  withInstanceDetail,
  type DeployResult,
  type RunContext,
} from '@wharf/executors';
import {
  consulTargetConfigSchema,
  deploySettingsSchema,
  kubernetesTargetConfigSchema,
  sshTargetConfigSchema,
  RESTART_SECRET_MIN_LENGTH,
  RESTART_SECRET_VARIABLE,
  type DeploySettings,
  type TargetKind,
} from '@wharf/shared';
import type { z } from 'zod';
import { ArtifactStorage } from '../artifacts/artifact-storage.js';
import { CredentialsService, type OpenedCredential } from '../credentials/credentials.service.js';
import { SecretBoxService } from '../credentials/secret-box.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { composeKubernetesPlan, type KubernetesTargetSource } from './kubernetes-plan-compose.js';
import { composeSshPlan, type OpenedVariable, type TargetSource } from './plan-compose.js';
import {
  isRollingRestart,
  primaryKind,
  rollingRestartRefusal,
  strategyFor,
  type ReleaseStrategy,
} from './release-strategy.js';
import {
  composeRollingRestartPlan,
  consulAddressesNotAllowed,
  type ConsulTargetSource,
  tokenNotAllowedReason,
} from './rolling-restart-plan-compose.js';

export interface BuiltPlan {
  strategy: ReleaseStrategy;
  version: string;
  /** Targets the executor will run (refused ones excluded). */
  targetCount: number;
  onFailure: DeploySettings['onFailure'];
  execute(ctx: RunContext): Promise<DeployResult>;
  /** Every secret value, for masking log lines. */
  secrets: string[];
  /** Targets that cannot run, with the reason (no approved host key, no credential, ...). */
  refused: { targetId: string; reason: string }[];
  environmentName: string;
  projectId: string;
  timeoutMinutes: number;
}

type DeploymentRow = Awaited<ReturnType<PlanBuilder['load']>>;
type TargetRow = NonNullable<DeploymentRow['targets'][number]['target']>;
type Refused = BuiltPlan['refused'];

@Injectable()
export class PlanBuilder {
  private readonly sshExecutor = createSshExecutor();
  private readonly sshRollingExecutor = createSshRollingRestartExecutor();
  private readonly consulRollingExecutor = createRollingRestartExecutor();

  constructor(
    private readonly prisma: PrismaService,
    private readonly credentials: CredentialsService,
    private readonly box: SecretBoxService,
    private readonly storage: ArtifactStorage,
  ) {}

  private load(deploymentId: string) {
    return this.prisma.deployment.findUniqueOrThrow({
      where: { id: deploymentId },
      include: {
        artifact: true,
        environment: { include: { variables: true } },
        targets: { include: { target: { include: { variables: true } } } },
      },
    });
  }

  async build(deploymentId: string): Promise<BuiltPlan> {
    const d = await this.load(deploymentId);
    // Rows stored before a rule was tightened may not pass it any more: say which field,
    // rather than sending the executor something it refuses as "deploy plan is invalid".
    const parsedSettings = deploySettingsSchema.safeParse(d.environment.settings ?? {});
    if (!parsedSettings.success) {
      throw new Error(
        `deploy settings of ${d.environment.name} are invalid (${describeIssues(parsedSettings.error)}); fix them in the environment's settings`,
      );
    }
    const settings = parsedSettings.data;
    const pending = d.targets.flatMap((dt) => (dt.target && dt.state === 'pending' ? [dt.target] : []));
    const kind = primaryKind(pending.map((t) => t.kind as TargetKind)) ?? 'ssh';
    const strategy = strategyFor(kind, settings);
    if (isRollingRestart(strategy)) {
      const refusal = rollingRestartRefusal(d.environment, settings);
      if (refusal) throw new Error(refusal);
    }
    const refused: Refused = [];
    const ofKind = pending.filter((t) => {
      if (t.kind === kind) return true;
      refused.push({
        targetId: t.id,
        reason: `${t.name} is a ${t.kind} target, but this deployment releases to ${kind} targets; an environment releases to one kind`,
      });
      return false;
    });
    const common = {
      strategy,
      version: d.artifact.version,
      onFailure: settings.onFailure,
      environmentName: d.environment.name,
      projectId: d.projectId,
      timeoutMinutes: settings.timeoutMinutes,
    };
    const composed = await this.compose(strategy, d, settings, ofKind, refused);
    return { ...common, ...composed, refused };
  }

  /**
   * Opens a credential once per deployment: twenty targets usually share one (a kubeconfig,
   * an SSH key), and each opening is a query plus a decryption.
   */
  private readonly openedCredentials = new WeakMap<DeploymentRow, Map<string, Promise<OpenedCredential>>>();
  private openCredential(d: DeploymentRow, credentialId: string): Promise<OpenedCredential> {
    let opened = this.openedCredentials.get(d);
    if (!opened) this.openedCredentials.set(d, (opened = new Map()));
    let cred = opened.get(credentialId);
    if (!cred) opened.set(credentialId, (cred = this.credentials.openCredential(d.projectId, credentialId)));
    return cred;
  }

  private open = (v: { name: string; secret: boolean; value: Uint8Array }): OpenedVariable => ({
    name: v.name,
    secret: v.secret,
    value: this.box.open(v.value),
  });

  private compose(
    strategy: ReleaseStrategy,
    d: DeploymentRow,
    settings: DeploySettings,
    targets: TargetRow[],
    refused: Refused,
  ): Promise<Pick<BuiltPlan, 'execute' | 'secrets' | 'targetCount'>> {
    switch (strategy) {
      case 'ssh-release':
      case 'ssh-rolling-restart':
        return this.composeSsh(strategy, d, settings, targets, refused);
      case 'kubernetes-release':
        return this.composeKubernetes(d, settings, targets, refused);
      case 'consul-rolling-restart':
        return this.composeConsul(d, settings, targets, refused);
    }
  }

  private async composeSsh(
    strategy: 'ssh-release' | 'ssh-rolling-restart',
    d: DeploymentRow,
    settings: DeploySettings,
    rows: TargetRow[],
    refused: Refused,
  ): Promise<Pick<BuiltPlan, 'execute' | 'secrets' | 'targetCount'>> {
    if (strategy === 'ssh-release' && (d.artifact.kind !== 'tarball' || !d.artifact.storageKey || !d.artifact.sha256)) {
      throw new Error(`version ${d.artifact.version} has no tarball to deploy`);
    }
    const targets: TargetSource[] = [];
    for (const t of rows) {
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
      const cred = await this.openCredential(d, t.credentialId);
      targets.push({
        id: t.id,
        name: t.name,
        config: cfg.data,
        pinnedHostKey: t.hostKeyFingerprint,
        credential: { privateKey: cred.value, ...(cred.passphrase ? { passphrase: cred.passphrase } : {}) },
        variables: t.variables.map(this.open),
      });
    }
    const { plan, secrets } = composeSshPlan({
      deploymentId: d.id,
      version: d.artifact.version,
      // A rolling restart uploads nothing; the plan schema still wants an artifact shape.
      artifact: {
        path: d.artifact.storageKey ? this.storage.pathOf(d.artifact.storageKey) : '-',
        sha256: d.artifact.sha256 ?? '0'.repeat(64),
      },
      settings,
      variables: d.environment.variables.map(this.open),
      targets,
    });
    if (strategy === 'ssh-release') {
      return { secrets, targetCount: targets.length, execute: (ctx) => this.sshExecutor.run(plan, ctx) };
    }
    const s = plan.settings;
    const rollingPlan = {
      deploymentId: plan.deploymentId,
      version: plan.version,
      targets: plan.targets,
      settings: {
        health: s.health,
        onFailure: s.onFailure,
        env: s.env,
        secretEnv: s.secretEnv,
        readinessDelaySeconds: settings.rollingRestart.readinessDelaySeconds,
      },
    };
    return {
      secrets,
      targetCount: targets.length,
      execute: (ctx) => this.sshRollingExecutor.run(rollingPlan, withHostInstances(ctx, targets)),
    };
  }

  private async composeKubernetes(
    d: DeploymentRow,
    settings: DeploySettings,
    rows: TargetRow[],
    refused: Refused,
  ): Promise<Pick<BuiltPlan, 'execute' | 'secrets' | 'targetCount'>> {
    const sources: KubernetesTargetSource[] = [];
    for (const t of rows) {
      const cfg = kubernetesTargetConfigSchema.safeParse(t.config);
      if (!cfg.success) {
        refused.push({
          targetId: t.id,
          reason: `config of ${t.name} is invalid (${describeIssues(cfg.error)}); edit the target`,
        });
        continue;
      }
      const credential = t.credentialId ? await this.openCredential(d, t.credentialId) : null;
      sources.push({ id: t.id, name: t.name, config: cfg.data, credential });
    }
    const image = d.artifact.imageRef ? { ref: d.artifact.imageRef, digest: d.artifact.imageDigest } : null;
    const composed = composeKubernetesPlan({
      deploymentId: d.id,
      version: d.artifact.version,
      image,
      settings,
      targets: sources,
    });
    refused.push(...composed.refused);
    return {
      secrets: composed.secrets,
      targetCount: composed.plan.targets.length,
      execute: (ctx) => runKubernetesRelease(composed.plan, ctx),
    };
  }

  private async composeConsul(
    d: DeploymentRow,
    settings: DeploySettings,
    rows: TargetRow[],
    refused: Refused,
  ): Promise<Pick<BuiltPlan, 'execute' | 'secrets' | 'targetCount'>> {
    const secretVar = d.environment.variables.find((v) => v.name === RESTART_SECRET_VARIABLE);
    const restartSecret = secretVar ? this.box.open(secretVar.value) : '';
    const sources: ConsulTargetSource[] = [];
    for (const t of rows) {
      if (restartSecret.length < RESTART_SECRET_MIN_LENGTH) {
        refused.push({
          targetId: t.id,
          reason: `${d.environment.name} has no restart secret: add a secret variable ${RESTART_SECRET_VARIABLE} (at least ${RESTART_SECRET_MIN_LENGTH} characters) and give the same value to the service's restart endpoint`,
        });
        continue;
      }
      const cfg = consulTargetConfigSchema.safeParse(t.config);
      if (!cfg.success) {
        refused.push({
          targetId: t.id,
          reason: `config of ${t.name} is invalid (${describeIssues(cfg.error)}); edit the target`,
        });
        continue;
      }
      const cred = t.credentialId ? await this.openCredential(d, t.credentialId) : null;
      const notAllowed = cred ? consulAddressesNotAllowed(cfg.data, cred.allowedOrigins) : [];
      if (notAllowed.length > 0) {
        refused.push({ targetId: t.id, reason: tokenNotAllowedReason(t.name, notAllowed, cred!.allowedOrigins) });
        continue;
      }
      sources.push({ id: t.id, name: t.name, config: cfg.data, aclToken: cred?.value ?? null });
    }
    const { plan, secrets } = composeRollingRestartPlan({
      deploymentId: d.id,
      version: d.artifact.version,
      settings,
      restartSecret,
      targets: sources,
    });
    return {
      secrets,
      targetCount: sources.length,
      execute: (ctx) => this.consulRollingExecutor.run(plan, withInstanceDetail(ctx)),
    };
  }
}

/** An SSH rolling restart's instances are its hosts: one instance per target, shown the same way. */
function withHostInstances(ctx: RunContext, targets: TargetSource[]): RunContext {
  const names = new Map(targets.map((t) => [t.id, `${t.name} (${t.config.host}:${t.config.port})`]));
  return {
    ...ctx,
    onTargetUpdate: (u) => {
      ctx.onTargetUpdate?.(u);
      const state = u.state === 'running' ? 'restarting' : u.state === 'succeeded' ? 'healthy' : u.state;
      ctx.onTargetDetail?.(u.targetId, {
        kind: 'rolling-restart',
        instances: [
          {
            instance: names.get(u.targetId) ?? u.targetId,
            position: u.batch,
            state,
            startedAt: u.startedAt?.toISOString() ?? null,
            finishedAt: u.finishedAt?.toISOString() ?? null,
            polls: 0,
            error: u.error?.message ?? null,
          },
        ],
      });
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
