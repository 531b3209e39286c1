import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiCookieAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { envVarNameSchema, setVariableSchema, type SetVariableBody, type VariableView } from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { TargetVariablesService } from './target-variables.service.js';

/** Per-target overrides of environment variables; same roles as the environment's variables. */
@ApiTags('targets')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug/targets/:targetId/variables')
export class TargetVariablesController {
  constructor(private readonly variables: TargetVariablesService) {}

  @Get()
  @ProjectAccess('maintainer')
  list(
    @Ctx() ctx: RequestContext,
    @Param('targetId', uuidParam('targetId')) targetId: string,
  ): Promise<VariableView[]> {
    return this.variables.list(projectCtx(ctx), targetId);
  }

  @Put()
  @ProjectAccess('maintainer')
  @ApiZodBody(setVariableSchema)
  set(
    @Ctx() ctx: RequestContext,
    @Param('targetId', uuidParam('targetId')) targetId: string,
    @Body(new ZodPipe(setVariableSchema)) body: SetVariableBody,
  ): Promise<VariableView> {
    return this.variables.set(projectCtx(ctx), targetId, body);
  }

  @Delete(':name')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  async remove(
    @Ctx() ctx: RequestContext,
    @Param('targetId', uuidParam('targetId')) targetId: string,
    @Param('name', new ZodPipe(envVarNameSchema)) name: string,
  ): Promise<void> {
    await this.variables.remove(projectCtx(ctx), targetId, name);
  }
}
