import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { TargetsController } from './targets.controller.js';
import { TargetsService } from './targets.service.js';
import { HostKeyController } from './host-key.controller.js';
import { HostKeyService } from './host-key.service.js';
import { TargetPreflightService } from './target-preflight.service.js';
import { TargetVariablesController } from './target-variables.controller.js';
import { TargetVariablesService } from './target-variables.service.js';

@Module({
  imports: [EnvironmentsModule, CredentialsModule],
  controllers: [TargetsController, HostKeyController, TargetVariablesController],
  providers: [TargetsService, HostKeyService, TargetPreflightService, TargetVariablesService],
  exports: [TargetsService],
})
export class TargetsModule {}
