import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  envVarNameSchema,
  setVariableSchema,
  updateDeploySettingsSchema,
  type DeploySettings,
  type SetVariableBody,
  type UpdateDeploySettingsBody,
  type VariableView,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { DeployConfigService } from './deploy-config.service.js';

@ApiTags('environments')
@Controller('projects/:slug/environments/:envId')
export class DeployConfigController {
  constructor(private readonly config: DeployConfigService) {}

  @Get('settings')
  @ProjectAccess('viewer')
  settings(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('environment id')) envId: string,
  ): Promise<DeploySettings> {
    return this.config.settings(projectCtx(ctx), envId);
  }

  @Patch('settings')
  @ProjectAccess('maintainer')
  @ApiZodBody(updateDeploySettingsSchema)
  updateSettings(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('environment id')) envId: string,
    @Body(new ZodPipe(updateDeploySettingsSchema)) patch: UpdateDeploySettingsBody,
  ): Promise<DeploySettings> {
    return this.config.updateSettings(projectCtx(ctx), envId, patch);
  }

  @Get('variables')
  @ProjectAccess('maintainer')
  variables(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('environment id')) envId: string,
  ): Promise<VariableView[]> {
    return this.config.variables(projectCtx(ctx), envId);
  }

  @Put('variables')
  @ProjectAccess('maintainer')
  @ApiZodBody(setVariableSchema)
  setVariable(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('environment id')) envId: string,
    @Body(new ZodPipe(setVariableSchema)) body: SetVariableBody,
  ): Promise<VariableView> {
    return this.config.setVariable(projectCtx(ctx), envId, body);
  }

  @Delete('variables/:name')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  async deleteVariable(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('environment id')) envId: string,
    @Param('name', new ZodPipe(envVarNameSchema)) name: string,
  ): Promise<void> {
    await this.config.deleteVariable(projectCtx(ctx), envId, name);
  }
}
