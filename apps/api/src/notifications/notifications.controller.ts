import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  createNotificationSchema,
  updateNotificationSchema,
  type CreateNotificationBody,
  type NotificationDeliveryView,
  type NotificationSubscriptionView,
  type NotificationTestView,
  type UpdateNotificationBody,
} from '@wharf/shared';
import { Ctx, ProjectAccess } from '../common/access.decorators.js';
import type { RequestContext } from '../common/request-context.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { uuidParam } from '../common/id-param.js';
import { projectCtx } from '../projects/projects.service.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@ApiCookieAuth()
@ApiParam({ name: 'slug', description: 'project slug' })
@Controller('projects/:slug/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ProjectAccess('viewer')
  @ApiOperation({ summary: 'Release notification subscriptions (URL and secret are never returned)' })
  list(@Ctx() ctx: RequestContext): Promise<NotificationSubscriptionView[]> {
    return this.notifications.list(projectCtx(ctx));
  }

  @Post()
  @ProjectAccess('maintainer')
  @ApiOperation({
    summary: 'Subscribe a DingTalk, WeCom, Feishu, Slack or JSON webhook receiver to release events',
  })
  @ApiZodBody(createNotificationSchema)
  create(
    @Ctx() ctx: RequestContext,
    @Body(new ZodPipe(createNotificationSchema)) body: CreateNotificationBody,
  ): Promise<NotificationSubscriptionView> {
    return this.notifications.create(projectCtx(ctx), body);
  }

  @Patch(':id')
  @ProjectAccess('maintainer')
  @ApiOperation({ summary: 'Change a subscription (absent URL or secret: kept)' })
  @ApiZodBody(updateNotificationSchema)
  update(
    @Ctx() ctx: RequestContext,
    @Param('id', uuidParam('id')) id: string,
    @Body(new ZodPipe(updateNotificationSchema)) body: UpdateNotificationBody,
  ): Promise<NotificationSubscriptionView> {
    return this.notifications.update(projectCtx(ctx), id, body);
  }

  @Delete(':id')
  @ProjectAccess('maintainer')
  @HttpCode(204)
  remove(@Ctx() ctx: RequestContext, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.notifications.remove(projectCtx(ctx), id);
  }

  @Post(':id/test')
  @ProjectAccess('maintainer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a test message now and report what the receiver answered' })
  test(@Ctx() ctx: RequestContext, @Param('id', uuidParam('id')) id: string): Promise<NotificationTestView> {
    return this.notifications.test(projectCtx(ctx), id);
  }

  @Get(':id/deliveries')
  @ProjectAccess('viewer')
  @ApiOperation({ summary: 'Recent deliveries of a subscription, with state, attempts and error' })
  deliveries(
    @Ctx() ctx: RequestContext,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<NotificationDeliveryView[]> {
    return this.notifications.deliveries(projectCtx(ctx), id);
  }
}
