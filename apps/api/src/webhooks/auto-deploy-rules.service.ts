// Auto-deploy rules per environment. A protected environment cannot get one; if it becomes
// protected later its rules stay, and every delivery they match is refused and recorded.
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  rulePatternProblem,
  type AutoDeployRuleView,
  type CreateAutoDeployRuleBody,
  type UpdateAutoDeployRuleBody,
} from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { ruleViewInclude, toRuleView } from './webhooks.views.js';

@Injectable()
export class AutoDeployRules {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async list(projectId: string): Promise<AutoDeployRuleView[]> {
    const rows = await this.prisma.autoDeployRule.findMany({
      where: { projectId },
      include: ruleViewInclude,
      orderBy: [{ environment: { position: 'asc' } }, { environment: { name: 'asc' } }, { createdAt: 'asc' }],
    });
    return rows.map(toRuleView);
  }

  async create(ctx: ProjectCtx, environmentId: string, body: CreateAutoDeployRuleBody): Promise<AutoDeployRuleView> {
    const env = await this.prisma.environment.findFirst({ where: { id: environmentId, projectId: ctx.project.id } });
    if (!env) throw new NotFoundException('environment not found');
    if (env.protected) {
      throw new BadRequestException(
        `${env.name} is protected: protected environments are never released by a webhook; release them by hand`,
      );
    }
    try {
      return await this.prisma.$transaction(async (tx) => {
        const rule = await tx.autoDeployRule.create({
          data: { projectId: ctx.project.id, environmentId, ...body },
          include: ruleViewInclude,
        });
        await this.audit.record(
          ctx,
          {
            action: 'auto_deploy_rule.created',
            subjectType: 'auto_deploy_rule',
            subjectId: rule.id,
            projectId: ctx.project.id,
            data: { environment: env.name, ...body },
          },
          tx,
        );
        return toRuleView(rule);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'AutoDeployRule_environmentId_refType_pattern_event_key'))
        throw this.duplicate(env.name);
      throw err;
    }
  }

  async update(ctx: ProjectCtx, ruleId: string, body: UpdateAutoDeployRuleBody): Promise<AutoDeployRuleView> {
    const before = await this.find(ctx, ruleId);
    const refType = body.refType ?? before.refType;
    const pattern = body.pattern ?? before.pattern;
    const problem = rulePatternProblem(refType, pattern);
    if (problem)
      throw new BadRequestException({
        message: `pattern: ${problem}`,
        issues: [{ path: 'pattern', message: problem }],
      });
    try {
      return await this.prisma.$transaction(async (tx) => {
        const rule = await tx.autoDeployRule.update({ where: { id: ruleId }, data: body, include: ruleViewInclude });
        await this.audit.record(
          ctx,
          {
            action: 'auto_deploy_rule.updated',
            subjectType: 'auto_deploy_rule',
            subjectId: rule.id,
            projectId: ctx.project.id,
            data: { environment: rule.environment.name, changes: body },
          },
          tx,
        );
        return toRuleView(rule);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'AutoDeployRule_environmentId_refType_pattern_event_key'))
        throw this.duplicate(before.environment.name);
      throw err;
    }
  }

  async remove(ctx: ProjectCtx, ruleId: string): Promise<void> {
    const rule = await this.find(ctx, ruleId);
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.autoDeployRule.deleteMany({ where: { id: rule.id } });
      if (count === 0) return;
      await this.audit.record(
        ctx,
        {
          action: 'auto_deploy_rule.deleted',
          subjectType: 'auto_deploy_rule',
          subjectId: rule.id,
          projectId: ctx.project.id,
          data: { environment: rule.environment.name, refType: rule.refType, pattern: rule.pattern, event: rule.event },
        },
        tx,
      );
    });
  }

  private async find(ctx: ProjectCtx, ruleId: string) {
    const rule = await this.prisma.autoDeployRule.findFirst({
      where: { id: ruleId, projectId: ctx.project.id },
      include: ruleViewInclude,
    });
    if (!rule) throw new NotFoundException('auto-deploy rule not found');
    return rule;
  }

  private duplicate(environment: string): ConflictException {
    return new ConflictException(`${environment} already has this rule (same ref type, pattern and event)`);
  }
}
