import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  deliveryListQuerySchema,
  type CreatedWebhookTokenView,
  type DeliveryListQuery,
  type Page,
  type WebhookDeliveryView,
  type WebhookSettingsView,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodQuery } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { WebhookSettings } from './webhook-settings.service.js';

@ApiTags('webhooks')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug/webhook')
export class WebhookSettingsController {
  constructor(private readonly settings: WebhookSettings) {}

  @Get()
  @ProjectAccess('viewer')
  @ApiOperation({ summary: "The project's GitLab webhook: endpoint path, token prefix, last delivery" })
  get(@Ctx() ctx: RequestContext): Promise<WebhookSettingsView> {
    return this.settings.get(projectCtx(ctx));
  }

  @Post('token')
  @ProjectAccess('maintainer')
  @ApiOperation({
    summary: 'Generate or rotate the secret token (shown once; the previous one stops working at once)',
  })
  rotate(@Ctx() ctx: RequestContext): Promise<CreatedWebhookTokenView> {
    return this.settings.rotate(projectCtx(ctx));
  }

  @Delete()
  @ProjectAccess('maintainer')
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn the webhook off (deliveries are refused until a new token is generated)' })
  remove(@Ctx() ctx: RequestContext): Promise<void> {
    return this.settings.remove(projectCtx(ctx));
  }

  @Get('deliveries')
  @ProjectAccess('viewer')
  @ApiOperation({ summary: 'Deliveries, newest first, with what became of each and why' })
  @ApiZodQuery(deliveryListQuerySchema)
  deliveries(
    @Ctx() ctx: RequestContext,
    @Query(new ZodPipe(deliveryListQuerySchema)) q: DeliveryListQuery,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.settings.deliveries(projectCtx(ctx).project.id, q);
  }

  @Get('deliveries/:id')
  @ProjectAccess('viewer')
  delivery(
    @Ctx() ctx: RequestContext,
    @Param('id', uuidParam('delivery id')) id: string,
  ): Promise<WebhookDeliveryView> {
    return this.settings.delivery(projectCtx(ctx).project.id, id);
  }
}
