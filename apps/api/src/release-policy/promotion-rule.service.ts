// An environment's promotion rule: which environment a version must have succeeded in first.
// Same project only, never itself, and never a cycle (prod <- staging <- prod).
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { PromotionRuleBody, PromotionRuleView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';

@Injectable()
export class PromotionRuleService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async set(ctx: ProjectCtx, envId: string, body: PromotionRuleBody): Promise<PromotionRuleView> {
    return this.prisma.$transaction(async (tx) => {
      // One rule change at a time per project, so two changes cannot make a cycle together.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`promotion:${ctx.project.id}`}, 0))`;
      const envs = await tx.environment.findMany({
        where: { projectId: ctx.project.id },
        select: { id: true, name: true, promoteFromId: true },
      });
      const byId = new Map(envs.map((e) => [e.id, e]));
      const env = byId.get(envId);
      if (!env) throw new NotFoundException(`environment ${envId} not found`);
      const sourceId = body.promoteFromEnvironmentId;
      const source = sourceId ? byId.get(sourceId) : null;
      if (sourceId && !source) {
        throw fieldError(`environment ${sourceId} is not an environment of this project`);
      }
      if (source && source.id === env.id) throw fieldError(`${env.name} cannot be promoted from itself`);
      // Walk up from the source: reaching this environment again would make a cycle.
      for (let at = source, hops = 0; at && hops <= envs.length; hops++) {
        if (at.promoteFromId === env.id) {
          throw fieldError(
            `${source!.name} is already promoted from ${env.name} (directly or not): that would be a cycle`,
          );
        }
        at = at.promoteFromId ? byId.get(at.promoteFromId) : undefined;
      }
      await tx.environment.update({ where: { id: env.id }, data: { promoteFromId: source?.id ?? null } });
      const before = env.promoteFromId ? (byId.get(env.promoteFromId)?.name ?? null) : null;
      await this.audit.record(
        ctx,
        {
          action: 'environment.promotion_rule_set',
          subjectType: 'environment',
          subjectId: env.id,
          projectId: ctx.project.id,
          data: { name: env.name, changed: { from: before, to: source?.name ?? null } },
        },
        tx,
      );
      return { environmentId: env.id, promoteFrom: source ? { id: source.id, name: source.name } : null };
    });
  }
}

function fieldError(message: string): BadRequestException {
  return new BadRequestException({ message, issues: [{ path: 'promoteFromEnvironmentId', message }] });
}
