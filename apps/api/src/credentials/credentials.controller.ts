import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCookieAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  createCredentialSchema,
  rotateCredentialSchema,
  type CreateCredentialBody,
  type CredentialView,
  type RotateCredentialBody,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { CredentialsService } from './credentials.service.js';

@ApiTags('credentials')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug/credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get()
  @ProjectAccess('maintainer')
  list(@Ctx() ctx: RequestContext): Promise<CredentialView[]> {
    return this.credentials.list(projectCtx(ctx));
  }

  @Post()
  @ProjectAccess('maintainer')
  @ApiZodBody(createCredentialSchema)
  create(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(createCredentialSchema)) body: CreateCredentialBody,
  ): Promise<CredentialView> {
    return this.credentials.create(projectCtx(ctx), body);
  }

  @Put(':id/secret')
  @ProjectAccess('maintainer')
  @ApiZodBody(rotateCredentialSchema)
  rotate(
    @Ctx() ctx: RequestContext,
    @Param('id', uuidParam('credential id')) id: string,
    @Body(new ZodPipe(rotateCredentialSchema)) body: RotateCredentialBody,
  ): Promise<CredentialView> {
    return this.credentials.rotate(projectCtx(ctx), id, body);
  }

  @Delete(':id')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  remove(@Ctx() ctx: RequestContext, @Param('id', uuidParam('credential id')) id: string): Promise<void> {
    return this.credentials.remove(projectCtx(ctx), id);
  }
}
