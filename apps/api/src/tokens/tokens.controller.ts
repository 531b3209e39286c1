import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCookieAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  createApiTokenSchema,
  type ApiTokenView,
  type CreateApiTokenBody,
  type CreatedApiTokenView,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { TokensService } from './tokens.service.js';

@ApiTags('tokens')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @ProjectAccess('maintainer')
  list(@Ctx() ctx: RequestContext): Promise<ApiTokenView[]> {
    return this.tokens.list(projectCtx(ctx));
  }

  @Post()
  @ProjectAccess('maintainer')
  @ApiZodBody(createApiTokenSchema)
  create(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(createApiTokenSchema)) body: CreateApiTokenBody,
  ): Promise<CreatedApiTokenView> {
    return this.tokens.create(projectCtx(ctx), body);
  }

  @Delete(':id')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  revoke(@Ctx() ctx: RequestContext, @Param('id', uuidParam('token id')) id: string): Promise<void> {
    return this.tokens.revoke(projectCtx(ctx), id);
  }
}
