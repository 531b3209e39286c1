import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { NotificationSender } from './notification-sender.service.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';

/** Release notifications (HTTP role): subscriptions, test sends, delivery history. The worker sends. */
@Module({
  imports: [CredentialsModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationSender],
})
export class NotificationsModule {}
