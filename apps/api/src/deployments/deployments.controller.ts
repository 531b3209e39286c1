import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  createDeploymentSchema,
  deploymentListQuerySchema,
  idempotencyKeySchema,
  type CreateDeploymentBody,
  type DeploymentListQuery,
  type DeploymentView,
  type EnvironmentStatusView,
  type Page,
  releaseActionSchema,
  type ReleaseActionBody,
} from '@wharf/shared';
import { z } from 'zod';
import { Ctx, ProjectAccess, ProjectOrTokenAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { projectCtx } from '../projects/projects.service.js';
import { DeploymentsService } from './deployments.service.js';

const idPipe = new ZodPipe(z.uuid('id must be a UUID'));

/** The optional Idempotency-Key header, checked like a body field. */
function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const r = idempotencyKeySchema.safeParse(header);
  if (r.success) return r.data;
  const message = r.error.issues[0]?.message ?? 'Idempotency-Key is invalid';
  throw new BadRequestException({ message, issues: [{ path: 'Idempotency-Key', message }] });
}

@ApiTags('deployments')
@Controller('projects/:slug')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Post('deployments')
  @ProjectOrTokenAccess('deployer', 'release')
  @ApiZodBody(createDeploymentSchema)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Repeating a request with the same key (per project) returns the deployment it created (200) instead of creating another; reusing a key for a different environment or version is a 409.',
  })
  async create(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(createDeploymentSchema)) body: CreateDeploymentBody,
    @Headers('idempotency-key') idempotencyKeyHeader: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeploymentView> {
    const trigger = ctx.actor.type === 'token' ? 'cli' : 'manual';
    const key = idempotencyKeyOf(idempotencyKeyHeader);
    const { deployment, repeated } = await this.deployments.create(projectCtx(ctx), body, trigger, key);
    if (repeated) res.status(200);
    return deployment;
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
  @ApiZodBody(releaseActionSchema)
  retry(
    @Ctx() ctx: RequestContext,
    @Param('id', idPipe) id: string,
    @Body(new ZodPipe(releaseActionSchema)) body: ReleaseActionBody,
  ): Promise<DeploymentView> {
    return this.deployments.retryFailedTargets(projectCtx(ctx), id, body);
  }

  @Post('environments/:envId/rollback')
  @ProjectAccess('deployer')
  @ApiZodBody(releaseActionSchema)
  rollback(
    @Ctx() ctx: RequestContext,
    @Param('envId', idPipe) envId: string,
    @Body(new ZodPipe(releaseActionSchema)) body: ReleaseActionBody,
  ): Promise<DeploymentView> {
    return this.deployments.rollback(projectCtx(ctx), envId, body);
  }

  @Get('environment-status')
  @ProjectOrTokenAccess('viewer')
  status(@Ctx() ctx: RequestContext): Promise<EnvironmentStatusView[]> {
    return this.deployments.environmentStatus(ctx.project!.id);
  }
}
