// SSH host key pinning. "Test connection" shows what the host offers; an admin approves
// that exact fingerprint; deployments then refuse any other key. Never auto-accepted.
import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { probeHostKey, ExecutorError } from '@wharf/executors';
import { sshTargetConfigSchema, type ApproveHostKeyBody, type HostKeyProbeView, type TargetView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import type { Target } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { toTargetView } from './targets.views.js';

const PROBE_TIMEOUT_MS = 10_000;

@Injectable()
export class HostKeyService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async probe(ctx: ProjectCtx, targetId: string): Promise<HostKeyProbeView> {
    const target = await this.sshTarget(ctx, targetId);
    const { host, port } = sshTargetConfigSchema.parse(target.config);
    const offered = await this.offeredKey(host, port);
    return {
      targetId: target.id,
      host,
      port,
      fingerprint: offered.fingerprint,
      keyType: offered.keyType,
      pinned: target.hostKeyFingerprint,
      matches: target.hostKeyFingerprint ? target.hostKeyFingerprint === offered.fingerprint : null,
    };
  }

  async approve(ctx: ProjectCtx, targetId: string, body: ApproveHostKeyBody): Promise<TargetView> {
    const target = await this.sshTarget(ctx, targetId);
    const { host, port } = sshTargetConfigSchema.parse(target.config);
    // Approve only what the host offers now, so a stale or mistyped fingerprint cannot be pinned.
    const offered = await this.offeredKey(host, port);
    if (offered.fingerprint !== body.fingerprint) {
      throw new ConflictException(
        `${host}:${port} now offers ${offered.fingerprint}, not ${body.fingerprint}; test the connection again`,
      );
    }
    const previous = target.hostKeyFingerprint;
    const updated = await this.prisma.$transaction(async (tx) => {
      const t = await tx.target.update({
        where: { id: target.id },
        data: {
          hostKeyFingerprint: body.fingerprint,
          hostKeyApprovedAt: new Date(),
          hostKeyApprovedBy: ctx.actor.type === 'user' ? ctx.actor.id : null,
        },
      });
      await this.audit.record(
        ctx,
        {
          action: previous && previous !== body.fingerprint ? 'host_key.changed' : 'host_key.pinned',
          subjectType: 'target',
          subjectId: target.id,
          projectId: ctx.project.id,
          data: { target: target.name, host, port, fingerprint: body.fingerprint, previous },
        },
        tx,
      );
      return t;
    });
    return toTargetView(updated);
  }

  private async sshTarget(ctx: ProjectCtx, targetId: string): Promise<Target> {
    const target = await this.prisma.target.findFirst({ where: { id: targetId, projectId: ctx.project.id } });
    if (!target) throw new NotFoundException('target not found');
    if (target.kind !== 'ssh') throw new BadRequestException('only SSH targets have host keys');
    return target;
  }

  private async offeredKey(host: string, port: number): Promise<{ fingerprint: string; keyType: string }> {
    try {
      const probe = await probeHostKey(host, port, PROBE_TIMEOUT_MS);
      return { fingerprint: probe.fingerprint, keyType: probe.keyType };
    } catch (err) {
      throw new BadGatewayException(err instanceof ExecutorError ? err.message : `cannot reach ${host}:${port}`);
    }
  }
}
