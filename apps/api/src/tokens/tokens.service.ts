// Project CI tokens. Only a sha256 of the token is stored; the value is shown once.
// Revoking keeps the row (listed with revokedAt) so audit trails still resolve it.
import { Injectable, NotFoundException } from '@nestjs/common';
import type { ApiTokenView, CreateApiTokenBody, CreatedApiTokenView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { newApiToken } from '../auth/tokens.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { toApiTokenView } from './tokens.views.js';

const VIEW_FIELDS = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

@Injectable()
export class TokensService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: ProjectCtx): Promise<ApiTokenView[]> {
    const rows = await this.prisma.apiToken.findMany({
      where: { projectId: ctx.project.id },
      select: VIEW_FIELDS,
      orderBy: { createdAt: 'desc' },
    });
    return rows.map(toApiTokenView);
  }

  async create(ctx: ProjectCtx, body: CreateApiTokenBody): Promise<CreatedApiTokenView> {
    const { token, prefix, hash } = newApiToken();
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.apiToken.create({
        data: {
          projectId: ctx.project.id,
          name: body.name,
          prefix,
          tokenHash: hash,
          createdById: ctx.actor.type === 'user' ? ctx.actor.id : null,
        },
        select: VIEW_FIELDS,
      });
      await this.audit.record(
        ctx,
        {
          action: 'token.created',
          subjectType: 'api_token',
          subjectId: row.id,
          projectId: ctx.project.id,
          data: { name: row.name, prefix },
        },
        tx,
      );
      return { ...toApiTokenView(row), token };
    });
  }

  /** Idempotent: revoking a revoked token changes nothing and records nothing. */
  async revoke(ctx: ProjectCtx, tokenId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.apiToken.findFirst({
        where: { id: tokenId, projectId: ctx.project.id },
        select: VIEW_FIELDS,
      });
      if (!row) throw new NotFoundException(`token ${tokenId} not found`);
      if (row.revokedAt) return;
      // Conditional update: of two concurrent revokes, only one records an event.
      const { count } = await tx.apiToken.updateMany({
        where: { id: row.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (count === 0) return;
      await this.audit.record(
        ctx,
        {
          action: 'token.revoked',
          subjectType: 'api_token',
          subjectId: row.id,
          projectId: ctx.project.id,
          data: { name: row.name, prefix: row.prefix },
        },
        tx,
      );
    });
  }
}
