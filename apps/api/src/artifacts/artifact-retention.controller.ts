import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type ArtifactRetentionView,
  type RetentionPreviewQuery,
  retentionPreviewQuerySchema,
  type RetentionPreviewView,
  type RetentionSettings,
  retentionSettingsSchema,
  type RetentionUpdateView,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { projectCtx } from '../projects/projects.service.js';
import { ArtifactRetention } from './artifact-retention.service.js';

@ApiTags('artifacts')
@Controller('projects/:slug/artifact-retention')
export class ArtifactRetentionController {
  constructor(private readonly retention: ArtifactRetention) {}

  @Get()
  @ProjectAccess('viewer')
  @ApiOperation({ summary: 'Retention settings and storage used by the project’s versions' })
  get(@Ctx() ctx: RequestContext): Promise<ArtifactRetentionView> {
    return this.retention.view(projectCtx(ctx).project.id);
  }

  @Put()
  @ProjectAccess('maintainer')
  @ApiOperation({
    summary: 'Set retention (keep the newest N, and versions deployed in the last M days); applied at once',
    description:
      'keepNewest null turns retention off. Versions an environment runs, is deploying or would roll back to ' +
      'are never deleted. The answer lists the versions the sweep that ran right after deleted.',
  })
  @ApiZodBody(retentionSettingsSchema)
  update(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(retentionSettingsSchema)) body: RetentionSettings,
  ): Promise<RetentionUpdateView> {
    return this.retention.update(projectCtx(ctx), body);
  }

  @Get('preview')
  @ProjectAccess('viewer')
  @ApiOperation({ summary: 'What retention with these settings would delete now (nothing is changed)' })
  @ApiZodQuery(retentionPreviewQuerySchema)
  preview(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(retentionPreviewQuerySchema)) q: RetentionPreviewQuery,
  ): Promise<RetentionPreviewView> {
    return this.retention.preview(projectCtx(ctx).project.id, q);
  }
}
