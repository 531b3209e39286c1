import { Global, Module } from '@nestjs/common';
import { DeployQueue } from './deploy-queue.service.js';
import { WebhookQueue } from './webhook-queue.service.js';

@Global()
@Module({ providers: [DeployQueue, WebhookQueue], exports: [DeployQueue, WebhookQueue] })
export class QueueModule {}
