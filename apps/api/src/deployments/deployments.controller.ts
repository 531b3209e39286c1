import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  confirmSchema,
  createDeploymentSchema,
  deploymentListQuerySchema,
  type ConfirmBody,
  type CreateDeploymentBody,
  type DeploymentListQuery,
  type DeploymentView,
  type EnvironmentStatusView,
  type Page,
} from '@wharf/shared';
import { z } from 'zod';
import { Ctx, ProjectAccess, ProjectOrTokenAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { projectCtx } from '../projects/projects.service.js';
import { DeploymentsService } from './deployments.service.js';

const idPipe = new ZodPipe(z.uuid('id must be a UUID'));

@ApiTags('deployments')
@Controller('projects/:slug')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Post('deployments')
  @ProjectOrTokenAccess('deployer', 'release')
  @ApiZodBody(createDeploymentSchema)
  create(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(createDeploymentSchema)) body: CreateDeploymentBody,
  ): Promise<DeploymentView> {
    return this.deployments.create(projectCtx(ctx), body, ctx.actor.type === 'token' ? 'cli' : 'manual');
  }

  @Get('deployments')
  @ProjectOrTokenAccess('viewer')
  @ApiZodQuery(deploymentListQuerySchema)
  list(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(deploymentListQuerySchema)) q: DeploymentListQuery,
  ): Promise<Page<DeploymentView>> {
    return this.deployments.list(ctx.project!.id, q);
  }

  @Get('deployments/:id')
  @ProjectOrTokenAccess('viewer')
  get(@Ctx() ctx: RequestContext, @Param('id', idPipe) id: string): Promise<DeploymentView> {
    return this.deployments.viewInProject(ctx.project!.id, id);
  }

  @Post('deployments/:id/cancel')
  @ProjectAccess('deployer')
  @HttpCode(200)
  cancel(@Ctx() ctx: RequestContext, @Param('id', idPipe) id: string): Promise<DeploymentView> {
    return this.deployments.cancel(projectCtx(ctx), id);
  }

  @Post('deployments/:id/retry')
  @ProjectAccess('deployer')
  @ApiZodBody(confirmSchema)
  retry(
    @Ctx() ctx: RequestContext,
    @Param('id', idPipe) id: string,
    @Body(new ZodPipe(confirmSchema)) body: ConfirmBody,
  ): Promise<DeploymentView> {
    return this.deployments.retryFailedTargets(projectCtx(ctx), id, body.confirm);
  }

  @Post('environments/:envId/rollback')
  @ProjectAccess('deployer')
  @ApiZodBody(confirmSchema)
  rollback(
    @Ctx() ctx: RequestContext,
    @Param('envId', idPipe) envId: string,
    @Body(new ZodPipe(confirmSchema)) body: ConfirmBody,
  ): Promise<DeploymentView> {
    return this.deployments.rollback(projectCtx(ctx), envId, body.confirm);
  }

  @Get('environment-status')
  @ProjectOrTokenAccess('viewer')
  status(@Ctx() ctx: RequestContext): Promise<EnvironmentStatusView[]> {
    return this.deployments.environmentStatus(ctx.project!.id);
  }
}
