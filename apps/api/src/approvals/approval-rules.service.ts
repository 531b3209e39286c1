// An environment's approval rule: how many distinct approvers, who, and how long a release
// waits. Named approvers must belong to the project, and the rule must be one that the
// people allowed to approve can actually meet.
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { ApprovalRule, EnvironmentView } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { toEnvironmentView } from '../environments/environments.views.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';

@Injectable()
export class ApprovalRulesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async set(ctx: ProjectCtx, envId: string, rule: ApprovalRule): Promise<EnvironmentView> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.environment.findFirst({ where: { id: envId, projectId: ctx.project.id } });
      if (!before) throw new NotFoundException(`environment ${envId} not found`);
      await this.assertMeetable(tx, ctx.project.id, rule);
      const env = await tx.environment.update({
        where: { id: before.id },
        data: {
          approvalsRequired: rule.approvalsRequired,
          approverUserIds: rule.approverUserIds,
          approvalTtlMinutes: rule.approvalTtlMinutes,
        },
      });
      const shape = (e: typeof env) => ({
        approvalsRequired: e.approvalsRequired,
        approverUserIds: e.approverUserIds,
        approvalTtlMinutes: e.approvalTtlMinutes,
      });
      await this.audit.record(
        ctx,
        {
          action: 'environment.approval_rule_changed',
          subjectType: 'environment',
          subjectId: env.id,
          projectId: ctx.project.id,
          data: { name: env.name, before: shape(before), after: shape(env) },
        },
        tx,
      );
      return toEnvironmentView(env);
    });
  }

  /** Named approvers are members (or global admins); enough people may approve to meet the number. */
  private async assertMeetable(tx: Prisma.TransactionClient, projectId: string, rule: ApprovalRule): Promise<void> {
    if (rule.approverUserIds.length > 0) {
      const found = await tx.user.findMany({
        where: {
          id: { in: rule.approverUserIds },
          disabledAt: null,
          OR: [{ isAdmin: true }, { memberships: { some: { projectId } } }],
        },
        select: { id: true },
      });
      const known = new Set(found.map((u) => u.id));
      const strangers = rule.approverUserIds.filter((id) => !known.has(id));
      if (strangers.length > 0) {
        const message = `approvers must be active members of this project; not one: ${strangers.join(', ')}`;
        throw new BadRequestException({ message, issues: [{ path: 'approverUserIds', message }] });
      }
      return;
    }
    if (rule.approvalsRequired === 0) return;
    const eligible = await tx.user.count({
      where: {
        disabledAt: null,
        OR: [{ isAdmin: true }, { memberships: { some: { projectId, role: 'maintainer' } } }],
      },
    });
    if (eligible < rule.approvalsRequired) {
      const message = `only ${eligible} people (maintainers and administrators) may approve here; ${rule.approvalsRequired} approvals could never be given. Add maintainers or name approvers`;
      throw new BadRequestException({ message, issues: [{ path: 'approvalsRequired', message }] });
    }
  }
}
