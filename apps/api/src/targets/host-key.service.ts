// SSH host key pinning and "Test connection". The test is a preflight (reachable, host key,
// login, commands, base dir: runPreflight in @wharf/executors) that also shows the key the
// host offers; an admin approves that exact fingerprint; deployments then refuse any other
// key. Never auto-accepted, and the target's credential is used only against an approved key.
import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { probeHostKey, runPreflight, ExecutorError } from '@wharf/executors';
import { sshTargetConfigSchema, type ApproveHostKeyBody, type HostPreflightView, type TargetView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { CredentialsService } from '../credentials/credentials.service.js';
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
    private readonly credentials: CredentialsService,
  ) {}

  /** "Test connection": every preflight check, and the host key on offer. */
  async preflight(ctx: ProjectCtx, targetId: string): Promise<HostPreflightView> {
    const target = await this.sshTarget(ctx, targetId);
    const { host, port, user, baseDir } = sshTargetConfigSchema.parse(target.config);
    const pinned = target.hostKeyFingerprint;
    // Decrypted only when it can be used: the preflight logs in only to an approved key.
    const cred =
      pinned && target.credentialId ? await this.credentials.openCredential(ctx.project.id, target.credentialId) : null;
    const result = await runPreflight({
      host,
      port,
      user,
      baseDir,
      pinnedHostKey: pinned,
      credential: cred ? { privateKey: cred.value, ...(cred.passphrase ? { passphrase: cred.passphrase } : {}) } : null,
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    const fingerprint = result.offered?.fingerprint ?? null;
    return {
      targetId: target.id,
      host,
      port,
      ok: result.checks.every((c) => c.status === 'passed'),
      checks: result.checks,
      fingerprint,
      keyType: result.offered?.keyType ?? null,
      pinned,
      matches: pinned && fingerprint ? pinned === fingerprint : null,
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
