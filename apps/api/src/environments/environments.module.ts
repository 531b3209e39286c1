import { Module } from '@nestjs/common';
import { EnvironmentsController } from './environments.controller.js';
import { EnvironmentsService } from './environments.service.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { DeployConfigController } from './deploy-config.controller.js';
import { DeployConfigService } from './deploy-config.service.js';

@Module({
  imports: [CredentialsModule],
  controllers: [EnvironmentsController, DeployConfigController],
  providers: [EnvironmentsService, DeployConfigService],
  exports: [EnvironmentsService],
})
export class EnvironmentsModule {}
