import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { TargetsController } from './targets.controller.js';
import { TargetsService } from './targets.service.js';

@Module({ imports: [EnvironmentsModule], controllers: [TargetsController], providers: [TargetsService], exports: [TargetsService] })
export class TargetsModule {}
