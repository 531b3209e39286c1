// Writes audit events. The table is append-only in Postgres itself (trigger), so this
// service only ever inserts. Accepts a transaction client so an event commits with its change.
import { Injectable } from '@nestjs/common';
import type { AuditEventView, Page } from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { actorLabel, type RequestContext } from '../common/request-context.js';

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  projectId?: string | null;
  data?: Record<string, unknown>;
}

type Db = Pick<PrismaService, 'auditEvent'> | Prisma.TransactionClient;

@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  async record(ctx: Pick<RequestContext, 'actor' | 'ip'>, entry: AuditEntry, db: Db = this.prisma): Promise<void> {
    const actor = ctx.actor;
    await db.auditEvent.create({
      data: {
        actorUserId: actor.type === 'user' ? actor.id : null,
        actorTokenId: actor.type === 'token' ? actor.id : null,
        actorLabel: actorLabel(actor),
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId ?? null,
        projectId: entry.projectId ?? null,
        ip: ctx.ip,
        data: (entry.data ?? {}) as Prisma.InputJsonValue,
      },
    });
  }

  async list(
    filter: { projectId?: string; action?: string },
    limit: number,
    /** Events with a smaller id (the previous page's last). */
    cursor?: bigint,
  ): Promise<Page<AuditEventView>> {
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        ...(filter.projectId ? { projectId: filter.projectId } : {}),
        ...(filter.action ? { action: filter.action } : {}),
        ...(cursor !== undefined ? { id: { lt: cursor } } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((e) => ({
        id: e.id.toString(),
        at: e.at.toISOString(),
        actor: e.actorLabel,
        action: e.action,
        subjectType: e.subjectType,
        subjectId: e.subjectId,
        projectId: e.projectId,
        ip: e.ip,
        data: e.data as Record<string, unknown>,
      })),
      nextCursor: rows.length > limit ? page[page.length - 1]!.id.toString() : null,
    };
  }
}
