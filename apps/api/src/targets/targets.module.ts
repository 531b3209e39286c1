import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { TargetsController } from './targets.controller.js';
import { TargetsService } from './targets.service.js';
import { HostKeyController } from './host-key.controller.js';
import { HostKeyService } from './host-key.service.js';

@Module({
  imports: [EnvironmentsModule],
  controllers: [TargetsController, HostKeyController],
  providers: [TargetsService, HostKeyService],
  exports: [TargetsService],
})
export class TargetsModule {}
