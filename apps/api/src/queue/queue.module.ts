import { Global, Module } from '@nestjs/common';
import { DeployQueue } from './deploy-queue.service.js';

@Global()
@Module({ providers: [DeployQueue], exports: [DeployQueue] })
export class QueueModule {}
