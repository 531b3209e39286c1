import { Global, Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module.js';
import { DeploymentEvents } from './deployment-events.js';
import { DeploymentsController } from './deployments.controller.js';
import { DeploymentsService } from './deployments.service.js';

@Global()
@Module({
  imports: [QueueModule],
  controllers: [DeploymentsController],
  providers: [DeploymentsService, DeploymentEvents],
  exports: [DeploymentsService, DeploymentEvents],
})
export class DeploymentsModule {}
