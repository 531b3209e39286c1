// Freeze windows of a project: list (with whether each holds now), create, replace, delete.
// Every change is audited in the transaction that makes it.
import { Injectable, NotFoundException } from '@nestjs/common';
import { freezeStateAt, type FreezeAutoDeploy, type FreezeWindowBody, type FreezeWindowView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import type { Environment, FreezeWindow, Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { scheduleOf } from './freeze-window-lookup.js';

type WindowRow = FreezeWindow & { environment: Pick<Environment, 'name'> | null };

@Injectable()
export class FreezeWindowsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: ProjectCtx): Promise<FreezeWindowView[]> {
    const rows = await this.prisma.freezeWindow.findMany({
      where: { projectId: ctx.project.id },
      include: { environment: { select: { name: true } } },
      orderBy: { createdAt: 'asc' },
    });
    const now = new Date();
    return rows.map((r) => toFreezeWindowView(r, now));
  }

  async create(ctx: ProjectCtx, body: FreezeWindowBody): Promise<FreezeWindowView> {
    await this.assertEnvironment(ctx, body.environmentId);
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.freezeWindow.create({
        data: {
          projectId: ctx.project.id,
          createdById: ctx.actor.type === 'user' ? ctx.actor.id : null,
          ...columns(body),
        },
        include: { environment: { select: { name: true } } },
      });
      await this.record(ctx, tx, 'freeze_window.created', row);
      return toFreezeWindowView(row, new Date());
    });
  }

  async replace(ctx: ProjectCtx, id: string, body: FreezeWindowBody): Promise<FreezeWindowView> {
    await this.assertEnvironment(ctx, body.environmentId);
    return this.prisma.$transaction(async (tx) => {
      await this.find(ctx, id, tx);
      const row = await tx.freezeWindow.update({
        where: { id },
        data: columns(body),
        include: { environment: { select: { name: true } } },
      });
      await this.record(ctx, tx, 'freeze_window.updated', row);
      return toFreezeWindowView(row, new Date());
    });
  }

  async remove(ctx: ProjectCtx, id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await this.find(ctx, id, tx);
      await tx.freezeWindow.delete({ where: { id } });
      await this.record(ctx, tx, 'freeze_window.deleted', row);
    });
  }

  private async find(ctx: ProjectCtx, id: string, tx: Prisma.TransactionClient): Promise<WindowRow> {
    const row = await tx.freezeWindow.findFirst({
      where: { id, projectId: ctx.project.id },
      include: { environment: { select: { name: true } } },
    });
    if (!row) throw new NotFoundException(`freeze window ${id} not found`);
    return row;
  }

  private async assertEnvironment(ctx: ProjectCtx, environmentId: string | null): Promise<void> {
    if (!environmentId) return;
    const env = await this.prisma.environment.findFirst({
      where: { id: environmentId, projectId: ctx.project.id },
      select: { id: true },
    });
    if (!env) throw new NotFoundException(`environment ${environmentId} not found in this project`);
  }

  private async record(ctx: ProjectCtx, tx: Prisma.TransactionClient, action: string, row: WindowRow): Promise<void> {
    await this.audit.record(
      ctx,
      {
        action,
        subjectType: 'freeze_window',
        subjectId: row.id,
        projectId: ctx.project.id,
        data: {
          name: row.reason,
          environment: row.environment?.name ?? null,
          kind: row.kind,
          timeZone: row.timeZone,
          ...(row.kind === 'weekly'
            ? { startDay: row.startDay, startTime: row.startTime, endDay: row.endDay, endTime: row.endTime }
            : { startsAt: row.startsAt?.toISOString(), endsAt: row.endsAt?.toISOString() }),
          autoDeploy: row.autoDeploy,
        },
      },
      tx,
    );
  }
}

function columns(body: FreezeWindowBody) {
  const weekly = body.kind === 'weekly';
  return {
    environmentId: body.environmentId,
    kind: body.kind,
    reason: body.reason,
    timeZone: body.timeZone,
    autoDeploy: body.autoDeploy,
    startDay: weekly ? body.startDay : null,
    startTime: weekly ? body.startTime : null,
    endDay: weekly ? body.endDay : null,
    endTime: weekly ? body.endTime : null,
    startsAt: weekly ? null : new Date(body.startsAt),
    endsAt: weekly ? null : new Date(body.endsAt),
  };
}

export function toFreezeWindowView(r: WindowRow, now: Date): FreezeWindowView {
  const state = freezeStateAt(scheduleOf(r), now);
  return {
    id: r.id,
    environmentId: r.environmentId,
    environmentName: r.environment?.name ?? null,
    kind: r.kind,
    reason: r.reason,
    timeZone: r.timeZone,
    startDay: r.startDay,
    startTime: r.startTime,
    endDay: r.endDay,
    endTime: r.endTime,
    startsAt: r.startsAt?.toISOString() ?? null,
    endsAt: r.endsAt?.toISOString() ?? null,
    autoDeploy: r.autoDeploy as FreezeAutoDeploy,
    createdAt: r.createdAt.toISOString(),
    status: {
      active: state.active,
      currentStart: state.startsAt?.toISOString() ?? null,
      currentEnd: state.endsAt?.toISOString() ?? null,
    },
  };
}
