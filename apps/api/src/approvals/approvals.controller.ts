// Approvals: an environment's rule, approve/reject a waiting release, and the releases the
// signed-in person may approve or has asked for. Deciding takes a signed-in person: CI tokens never approve.
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  approvalRuleSchema,
  approveSchema,
  rejectSchema,
  type ApprovalRule,
  type DeploymentView,
  type EnvironmentView,
  type RejectBody,
} from '@wharf/shared';
import { z } from 'zod';
import { Ctx, ProjectAccess, SignedIn } from '../common/access.decorators.js';
import { uuidParam } from '../common/id-param.js';
import { ApiZodBody } from '../common/openapi.js';
import { userActor, type RequestContext } from '../common/request-context.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { projectCtx } from '../projects/projects.service.js';
import { ApprovalRulesService } from './approval-rules.service.js';
import { ApprovalsService } from './approvals.service.js';

@ApiTags('approvals')
@ApiCookieAuth()
@Controller()
export class ApprovalsController {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly rules: ApprovalRulesService,
  ) {}

  @Put('projects/:slug/environments/:envId/approval-rule')
  @ProjectAccess('maintainer')
  @ApiOperation({ summary: "Set the environment's approval rule (approvalsRequired 0 turns approvals off)" })
  @ApiZodBody(approvalRuleSchema)
  setRule(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('envId')) envId: string,
    @Body(new ZodPipe(approvalRuleSchema)) body: ApprovalRule,
  ): Promise<EnvironmentView> {
    return this.rules.set(projectCtx(ctx), envId, body);
  }

  @Post('projects/:slug/deployments/:id/approve')
  @ProjectAccess('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a release waiting for approval (never your own); the last approval queues it' })
  @ApiZodBody(approveSchema)
  approve(
    @Ctx() ctx: RequestContext,
    @Param('id', uuidParam('id')) id: string,
    @Body(new ZodPipe(approveSchema)) body: z.infer<typeof approveSchema>,
  ): Promise<DeploymentView> {
    return this.approvals.approve(projectCtx(ctx), id, body.comment);
  }

  @Post('projects/:slug/deployments/:id/reject')
  @ProjectAccess('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a release waiting for approval, saying why (never your own)' })
  @ApiZodBody(rejectSchema)
  reject(
    @Ctx() ctx: RequestContext,
    @Param('id', uuidParam('id')) id: string,
    @Body(new ZodPipe(rejectSchema)) body: RejectBody,
  ): Promise<DeploymentView> {
    return this.approvals.reject(projectCtx(ctx), id, body.comment);
  }

  @Get('approvals')
  @SignedIn()
  @ApiOperation({ summary: 'Releases across projects waiting for an approval the signed-in person may give' })
  waiting(@Ctx() ctx: RequestContext): Promise<DeploymentView[]> {
    return this.approvals.waitingFor(userActor(ctx));
  }

  @Get('approvals/requested')
  @SignedIn()
  @ApiOperation({
    summary: "The signed-in person's own releases waiting for approval (they may withdraw them: POST .../cancel)",
  })
  requested(@Ctx() ctx: RequestContext): Promise<DeploymentView[]> {
    return this.approvals.requestedBy(userActor(ctx));
  }
}
