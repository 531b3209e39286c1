import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCookieAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  createEnvironmentSchema,
  updateEnvironmentSchema,
  type CreateEnvironmentBody,
  type EnvironmentView,
  type UpdateEnvironmentBody,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { EnvironmentsService } from './environments.service.js';

@ApiTags('environments')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug/environments')
export class EnvironmentsController {
  constructor(private readonly environments: EnvironmentsService) {}

  @Get()
  @ProjectAccess('viewer')
  list(@Ctx() ctx: RequestContext): Promise<EnvironmentView[]> {
    return this.environments.list(projectCtx(ctx));
  }

  @Post()
  @ProjectAccess('maintainer')
  @ApiZodBody(createEnvironmentSchema)
  create(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(createEnvironmentSchema)) body: CreateEnvironmentBody,
  ): Promise<EnvironmentView> {
    return this.environments.create(projectCtx(ctx), body);
  }

  @Patch(':envId')
  @ProjectAccess('maintainer')
  @ApiZodBody(updateEnvironmentSchema)
  update(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('envId')) envId: string,
    @Body(new ZodPipe(updateEnvironmentSchema)) body: UpdateEnvironmentBody,
  ): Promise<EnvironmentView> {
    return this.environments.update(projectCtx(ctx), envId, body);
  }

  @Delete(':envId')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  remove(@Ctx() ctx: RequestContext, @Param('envId', uuidParam('envId')) envId: string): Promise<void> {
    return this.environments.remove(projectCtx(ctx), envId);
  }
}
