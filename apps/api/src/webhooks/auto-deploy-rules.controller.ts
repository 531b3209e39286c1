import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  createAutoDeployRuleSchema,
  updateAutoDeployRuleSchema,
  type AutoDeployRuleView,
  type CreateAutoDeployRuleBody,
  type UpdateAutoDeployRuleBody,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { AutoDeployRules } from './auto-deploy-rules.service.js';

@ApiTags('webhooks')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug')
export class AutoDeployRulesController {
  constructor(private readonly rules: AutoDeployRules) {}

  @Get('auto-deploy-rules')
  @ProjectAccess('viewer')
  @ApiOperation({ summary: "Every environment's auto-deploy rules" })
  list(@Ctx() ctx: RequestContext): Promise<AutoDeployRuleView[]> {
    return this.rules.list(projectCtx(ctx).project.id);
  }

  @Post('environments/:envId/auto-deploy-rules')
  @ProjectAccess('maintainer')
  @ApiOperation({ summary: 'Add a rule: which branch (exact) or tags (pattern) release to this environment' })
  @ApiZodBody(createAutoDeployRuleSchema)
  create(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('envId')) envId: string,
    @Body(new ZodPipe(createAutoDeployRuleSchema)) body: CreateAutoDeployRuleBody,
  ): Promise<AutoDeployRuleView> {
    return this.rules.create(projectCtx(ctx), envId, body);
  }

  @Patch('auto-deploy-rules/:ruleId')
  @ProjectAccess('maintainer')
  @ApiZodBody(updateAutoDeployRuleSchema)
  update(
    @Ctx() ctx: RequestContext,
    @Param('ruleId', uuidParam('ruleId')) ruleId: string,
    @Body(new ZodPipe(updateAutoDeployRuleSchema)) body: UpdateAutoDeployRuleBody,
  ): Promise<AutoDeployRuleView> {
    return this.rules.update(projectCtx(ctx), ruleId, body);
  }

  @Delete('auto-deploy-rules/:ruleId')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  remove(@Ctx() ctx: RequestContext, @Param('ruleId', uuidParam('ruleId')) ruleId: string): Promise<void> {
    return this.rules.remove(projectCtx(ctx), ruleId);
  }
}
