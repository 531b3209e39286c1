// Deploy targets of an environment. Config is typed per kind (packages/shared) and is
// re-validated in full on every change; the credential must belong to the same project.
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  targetConfigSchemas,
  type CreateTarget,
  type CredentialKind,
  type TargetKind,
  type TargetView,
  type UpdateTarget,
} from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/db-errors.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import type { Prisma, Target } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { toTargetView } from './targets.views.js';

/** Which credential kinds each target kind can use to reach its machines. */
const CREDENTIAL_KINDS_FOR: Record<TargetKind, readonly CredentialKind[]> = {
  ssh: ['ssh_key'],
  kubernetes: ['kubeconfig', 'token'],
  consul: ['token'],
};

@Injectable()
export class TargetsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly environments: EnvironmentsService,
  ) {}

  async list(ctx: ProjectCtx, environmentId?: string): Promise<TargetView[]> {
    if (environmentId) await this.environments.find(ctx, environmentId);
    const rows = await this.prisma.target.findMany({
      where: { projectId: ctx.project.id, ...(environmentId ? { environmentId } : {}) },
      orderBy: [{ environment: { position: 'asc' } }, { name: 'asc' }],
    });
    return rows.map(toTargetView);
  }

  async create(ctx: ProjectCtx, envId: string, body: CreateTarget): Promise<TargetView> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const env = await this.environments.find(ctx, envId, tx);
        if (body.credentialId) await this.checkCredential(tx, ctx, body.credentialId, body.kind);
        const t = await tx.target.create({
          data: {
            projectId: ctx.project.id,
            environmentId: env.id,
            name: body.name,
            kind: body.kind,
            config: body.config as Prisma.InputJsonValue,
            credentialId: body.credentialId ?? null,
          },
        });
        await this.audit.record(
          ctx,
          {
            action: 'target.created',
            subjectType: 'target',
            subjectId: t.id,
            projectId: ctx.project.id,
            data: {
              name: t.name,
              kind: t.kind,
              environment: env.name,
              config: body.config,
              credentialId: t.credentialId,
            },
          },
          tx,
        );
        return toTargetView(t);
      });
    } catch (err) {
      throw this.translate(err, body.name);
    }
  }

  async update(ctx: ProjectCtx, targetId: string, body: UpdateTarget): Promise<TargetView> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const before = await this.find(tx, ctx, targetId);
        let config: Record<string, unknown> | undefined;
        if (body.config !== undefined) {
          // A partial config is merged over the stored one, then the whole is checked
          // against the schema of the target's kind (the kind never changes).
          const merged = { ...(before.config as Record<string, unknown>), ...body.config };
          const parsed = targetConfigSchemas[before.kind].safeParse(merged);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => ({
              path: ['config', ...i.path].join('.'),
              message: i.message,
            }));
            throw new BadRequestException({ message: `${issues[0]!.path}: ${issues[0]!.message}`, issues });
          }
          config = parsed.data as Record<string, unknown>;
        }
        if (body.credentialId) await this.checkCredential(tx, ctx, body.credentialId, before.kind);
        const t = await tx.target.update({
          where: { id: before.id },
          data: {
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(config !== undefined ? { config: config as Prisma.InputJsonValue } : {}),
            ...(body.credentialId !== undefined ? { credentialId: body.credentialId } : {}),
          },
        });
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (before.name !== t.name) changes.name = { from: before.name, to: t.name };
        if (JSON.stringify(before.config) !== JSON.stringify(t.config))
          changes.config = { from: before.config, to: t.config };
        if (before.credentialId !== t.credentialId)
          changes.credentialId = { from: before.credentialId, to: t.credentialId };
        await this.audit.record(
          ctx,
          {
            action: 'target.updated',
            subjectType: 'target',
            subjectId: t.id,
            projectId: ctx.project.id,
            data: { name: t.name, changes },
          },
          tx,
        );
        return toTargetView(t);
      });
    } catch (err) {
      throw this.translate(err, body.name);
    }
  }

  async remove(ctx: ProjectCtx, targetId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const t = await this.find(tx, ctx, targetId);
      await tx.target.delete({ where: { id: t.id } });
      await this.audit.record(
        ctx,
        {
          action: 'target.deleted',
          subjectType: 'target',
          subjectId: t.id,
          projectId: ctx.project.id,
          data: { name: t.name, kind: t.kind },
        },
        tx,
      );
    });
  }

  private async find(tx: Prisma.TransactionClient, ctx: ProjectCtx, targetId: string): Promise<Target> {
    const t = await tx.target.findFirst({ where: { id: targetId, projectId: ctx.project.id } });
    if (!t) throw new NotFoundException(`target ${targetId} not found`);
    return t;
  }

  private async checkCredential(
    tx: Prisma.TransactionClient,
    ctx: ProjectCtx,
    credentialId: string,
    kind: TargetKind,
  ): Promise<void> {
    // Same answer for "missing" and "another project's": ids from elsewhere reveal nothing.
    const cred = await tx.credential.findFirst({
      where: { id: credentialId, projectId: ctx.project.id },
      select: { name: true, kind: true },
    });
    if (!cred) throw badCredential(`credentialId ${credentialId} is not a credential of this project`);
    const allowed = CREDENTIAL_KINDS_FOR[kind];
    if (!allowed.includes(cred.kind)) {
      throw badCredential(
        `${kind} targets need a credential of kind ${allowed.join(' or ')}; ${cred.name} is of kind ${cred.kind}`,
      );
    }
  }

  private translate(err: unknown, name: string | undefined): unknown {
    if (isUniqueViolation(err, 'Target_environmentId_name_key'))
      return new ConflictException(`a target named ${name} already exists in this environment`);
    // The credential was deleted between our check and the write.
    if (isForeignKeyViolation(err, 'Target_credentialId_fkey')) return badCredential('the credential no longer exists');
    return err;
  }
}

function badCredential(message: string): BadRequestException {
  return new BadRequestException({ message, issues: [{ path: 'credentialId', message }] });
}
