// "Test connection" for any target: SSH targets get the host preflight (host key, login,
// commands), Kubernetes targets the cluster preflight (TLS against the kubeconfig's CA,
// credential accepted, workload readable with its image and replicas, patch allowed by a
// SelfSubjectAccessReview, rollout observable). Reads only; nothing on the target changes.
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { testKubernetesConnection } from '@wharf/executors';
import {
  KUBERNETES_PREFLIGHT_CHECKS,
  kubernetesTargetConfigSchema,
  type HostPreflightView,
  type KubernetesPreflightView,
  type KubernetesTargetPreflightView,
} from '@wharf/shared';
import type { Target } from '../generated/prisma/client.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { composeKubernetesPlan } from '../worker/kubernetes-plan-compose.js';
import { HostKeyService } from './host-key.service.js';

const API_TIMEOUT_MS = 10_000;

@Injectable()
export class TargetPreflightService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly credentials: CredentialsService,
    private readonly hostKeys: HostKeyService,
  ) {}

  async testConnection(ctx: ProjectCtx, targetId: string): Promise<HostPreflightView | KubernetesTargetPreflightView> {
    const target = await this.prisma.target.findFirst({ where: { id: targetId, projectId: ctx.project.id } });
    if (!target) throw new NotFoundException('target not found');
    switch (target.kind) {
      case 'ssh':
        return this.hostKeys.preflight(ctx, targetId);
      case 'kubernetes':
        return this.kubernetes(ctx, target);
      default:
        throw new BadRequestException(
          `Test connection is available for SSH and Kubernetes targets, not ${target.kind}`,
        );
    }
  }

  private async kubernetes(ctx: ProjectCtx, target: Target): Promise<KubernetesTargetPreflightView> {
    const config = kubernetesTargetConfigSchema.parse(target.config);
    const workload = `${config.kind}/${config.deployment} in ${config.namespace}`;
    const credential = target.credentialId
      ? await this.credentials.openCredential(ctx.project.id, target.credentialId)
      : null;
    // The same composer a release uses decides whether the credential can be used at all
    // (a kubeconfig with a CA, nothing the executor refuses, the target's API URL), so Test
    // connection and a release never disagree. Restart mode: no image is needed to test.
    const { plan, refused } = composeKubernetesPlan({
      deploymentId: 'test-connection',
      version: 'test-connection',
      image: null,
      settings: { batchSize: 1, onFailure: 'stop', kubernetes: { mode: 'restart' } },
      targets: [{ id: target.id, name: target.name, config, credential }],
    });
    const planned = plan.targets[0];
    const view = planned
      ? await testKubernetesConnection({
          cluster: planned.cluster,
          workload: { ...planned.workload, kind: config.kind },
          timeoutMs: API_TIMEOUT_MS,
        })
      : unusableCredential(refused[0]?.reason ?? `${target.name} cannot be reached`);
    return { targetId: target.id, workload, ...view };
  }
}

/** The answer when the credential cannot even be tried: said at the credential check. */
function unusableCredential(reason: string): KubernetesPreflightView {
  return {
    ok: false,
    checks: KUBERNETES_PREFLIGHT_CHECKS.map((name) =>
      name === 'authenticated'
        ? { name, status: 'failed' as const, message: reason }
        : { name, status: 'skipped' as const, message: 'not tried: the target has no usable kubeconfig credential' },
    ),
    currentImage: null,
    replicas: null,
    serverVersion: null,
  };
}
