// Per-target overrides of the environment's variables (e.g. PORT or NAME per host). Same
// rules as environment variables: values sealed at rest, secret ones write-only, audited
// without values.
import { Injectable, NotFoundException } from '@nestjs/common';
import type { SetVariableBody, VariableView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { SecretBoxService } from '../credentials/secret-box.service.js';
import { assertValidRestartSecretVariable } from '../environments/rolling-restart-switch.js';
import { toVariableView } from '../environments/variable-view.js';
import type { Prisma, Target } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';

@Injectable()
export class TargetVariablesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly box: SecretBoxService,
  ) {}

  async list(ctx: ProjectCtx, targetId: string): Promise<VariableView[]> {
    const target = await this.target(this.prisma, ctx, targetId);
    const rows = await this.prisma.targetVariable.findMany({
      where: { targetId: target.id },
      orderBy: { name: 'asc' },
    });
    return rows.map((v) => toVariableView(v, this.box));
  }

  async set(ctx: ProjectCtx, targetId: string, body: SetVariableBody): Promise<VariableView> {
    // A target's value overrides the environment's on its host, so the restart secret keeps
    // the environment's rule here too: secret (never shown back or logged) and long enough.
    assertValidRestartSecretVariable(body);
    return this.prisma.$transaction(async (tx) => {
      const target = await this.target(tx, ctx, targetId);
      const sealed = new Uint8Array(this.box.seal(body.value));
      const row = await tx.targetVariable.upsert({
        where: { targetId_name: { targetId: target.id, name: body.name } },
        create: { targetId: target.id, name: body.name, secret: body.secret, value: sealed },
        update: { secret: body.secret, value: sealed },
      });
      await this.audit.record(
        ctx,
        // The value never goes into the audit trail, secret or not.
        {
          action: 'target_variable.set',
          subjectType: 'target',
          subjectId: target.id,
          projectId: ctx.project.id,
          data: { target: target.name, name: body.name, secret: body.secret },
        },
        tx,
      );
      return toVariableView(row, this.box);
    });
  }

  async remove(ctx: ProjectCtx, targetId: string, name: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const target = await this.target(tx, ctx, targetId);
      const removed = await tx.targetVariable.deleteMany({ where: { targetId: target.id, name } });
      if (removed.count === 0) throw new NotFoundException(`variable ${name} not found on target ${target.name}`);
      await this.audit.record(
        ctx,
        {
          action: 'target_variable.deleted',
          subjectType: 'target',
          subjectId: target.id,
          projectId: ctx.project.id,
          data: { target: target.name, name },
        },
        tx,
      );
    });
  }

  private async target(db: Prisma.TransactionClient, ctx: ProjectCtx, targetId: string): Promise<Target> {
    const t = await db.target.findFirst({ where: { id: targetId, projectId: ctx.project.id } });
    if (!t) throw new NotFoundException(`target ${targetId} not found`);
    return t;
  }
}
