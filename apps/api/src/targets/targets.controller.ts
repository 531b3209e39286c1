import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  createTargetSchema,
  updateTargetSchema,
  type CreateTarget,
  type TargetView,
  type UpdateTarget,
} from '@wharf/shared';
import { z } from 'zod';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { TargetsService } from './targets.service.js';

const listTargetsQuerySchema = z.object({
  environmentId: z.uuid('environmentId must be a UUID').optional().describe('only targets of this environment'),
});
type ListTargetsQuery = z.infer<typeof listTargetsQuerySchema>;

@ApiTags('targets')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  @Get('targets')
  @ProjectAccess('viewer')
  @ApiZodQuery(listTargetsQuerySchema)
  list(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(listTargetsQuerySchema)) q: ListTargetsQuery,
  ): Promise<TargetView[]> {
    return this.targets.list(projectCtx(ctx), q.environmentId);
  }

  @Post('environments/:envId/targets')
  @ProjectAccess('maintainer')
  @ApiZodBody(createTargetSchema)
  create(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('envId')) envId: string,
    @Body(new ZodPipe(createTargetSchema)) body: CreateTarget,
  ): Promise<TargetView> {
    return this.targets.create(projectCtx(ctx), envId, body);
  }

  @Patch('targets/:targetId')
  @ProjectAccess('maintainer')
  @ApiZodBody(updateTargetSchema)
  update(
    @Ctx() ctx: RequestContext,
    @Param('targetId', uuidParam('targetId')) targetId: string,
    @Body(new ZodPipe(updateTargetSchema)) body: UpdateTarget,
  ): Promise<TargetView> {
    return this.targets.update(projectCtx(ctx), targetId, body);
  }

  @Delete('targets/:targetId')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  remove(@Ctx() ctx: RequestContext, @Param('targetId', uuidParam('targetId')) targetId: string): Promise<void> {
    return this.targets.remove(projectCtx(ctx), targetId);
  }
}
