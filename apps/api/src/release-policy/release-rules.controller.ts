// Routes for the promotion rule, freeze windows and the release check.
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  freezeWindowBodySchema,
  promotionRuleSchema,
  releaseCheckQuerySchema,
  type FreezeWindowBody,
  type FreezeWindowView,
  type PromotionRuleBody,
  type PromotionRuleView,
  type ReleaseCheckQuery,
  type ReleaseCheckView,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import { uuidParam } from '../common/id-param.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import type { RequestContext } from '../common/request-context.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { projectCtx } from '../projects/projects.service.js';
import { FreezeWindowsService } from './freeze-windows.service.js';
import { PromotionRuleService } from './promotion-rule.service.js';
import { ReleaseCheckService } from './release-check.service.js';

@ApiTags('release rules')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug')
export class ReleaseRulesController {
  constructor(
    private readonly promotion: PromotionRuleService,
    private readonly freezeWindows: FreezeWindowsService,
    private readonly releaseCheck: ReleaseCheckService,
  ) {}

  @Put('environments/:envId/promotion-rule')
  @ProjectAccess('maintainer')
  @ApiOperation({ summary: 'Set (or clear with null) the environment a version must have succeeded in first' })
  @ApiZodBody(promotionRuleSchema)
  setPromotionRule(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('envId')) envId: string,
    @Body(new ZodPipe(promotionRuleSchema)) body: PromotionRuleBody,
  ): Promise<PromotionRuleView> {
    return this.promotion.set(projectCtx(ctx), envId, body);
  }

  @Get('environments/:envId/release-check')
  @ProjectAccess('viewer')
  @ApiOperation({ summary: 'Promotion rule, active freeze window and approvals needed for a release of a version' })
  @ApiZodQuery(releaseCheckQuerySchema)
  check(
    @Ctx() ctx: RequestContext,
    @Param('envId', uuidParam('envId')) envId: string,
    @Query(new ZodPipe(releaseCheckQuerySchema)) q: ReleaseCheckQuery,
  ): Promise<ReleaseCheckView> {
    return this.releaseCheck.check(projectCtx(ctx), envId, q);
  }

  @Get('freeze-windows')
  @ProjectAccess('viewer')
  @ApiOperation({ summary: "The project's freeze windows, with whether each holds now" })
  listFreezeWindows(@Ctx() ctx: RequestContext): Promise<FreezeWindowView[]> {
    return this.freezeWindows.list(projectCtx(ctx));
  }

  @Post('freeze-windows')
  @ProjectAccess('maintainer')
  @ApiOperation({ summary: 'Add a weekly or one-off freeze window (an environment, or the whole project)' })
  @ApiZodBody(freezeWindowBodySchema)
  createFreezeWindow(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(freezeWindowBodySchema)) body: FreezeWindowBody,
  ): Promise<FreezeWindowView> {
    return this.freezeWindows.create(projectCtx(ctx), body);
  }

  @Put('freeze-windows/:windowId')
  @ProjectAccess('maintainer')
  @ApiZodBody(freezeWindowBodySchema)
  replaceFreezeWindow(
    @Ctx() ctx: RequestContext,
    @Param('windowId', uuidParam('windowId')) windowId: string,
    @Body(new ZodPipe(freezeWindowBodySchema)) body: FreezeWindowBody,
  ): Promise<FreezeWindowView> {
    return this.freezeWindows.replace(projectCtx(ctx), windowId, body);
  }

  @Delete('freeze-windows/:windowId')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  removeFreezeWindow(
    @Ctx() ctx: RequestContext,
    @Param('windowId', uuidParam('windowId')) windowId: string,
  ): Promise<void> {
    return this.freezeWindows.remove(projectCtx(ctx), windowId);
  }
}
