// Project CI tokens. Only a sha256 of the token is stored; the value is shown once.
// Revoking keeps the row (listed with revokedAt) so audit trails still resolve it.
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { ApiTokenView, CreateApiTokenBody, CreatedApiTokenView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { newApiToken } from '../auth/tokens.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { toApiTokenView } from './tokens.views.js';

const VIEW_FIELDS = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  environmentIds: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

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
      await this.checkEnvironments(tx, ctx.project.id, body.environmentIds);
      const row = await tx.apiToken.create({
        data: {
          projectId: ctx.project.id,
          name: body.name,
          prefix,
          tokenHash: hash,
          scopes: body.scopes,
          environmentIds: body.environmentIds,
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
          data: { name: row.name, prefix, scopes: row.scopes, environmentIds: row.environmentIds },
        },
        tx,
      );
      return { ...toApiTokenView(row), token };
    });
  }

  /** A token may be limited only to this project's environments, and never to a protected one. */
  private async checkEnvironments(tx: Prisma.TransactionClient, projectId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const envs = await tx.environment.findMany({
      where: { id: { in: ids }, projectId },
      select: { id: true, name: true, protected: true },
    });
    const issues = ids.flatMap((id, i) => {
      const env = envs.find((e) => e.id === id);
      if (!env) return [{ path: `environmentIds.${i}`, message: 'no such environment in this project' }];
      if (env.protected) {
        return [{ path: `environmentIds.${i}`, message: `${env.name} is protected: CI tokens never release there` }];
      }
      return [];
    });
    if (issues.length > 0) throw new BadRequestException({ message: issues[0]!.message, issues });
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
