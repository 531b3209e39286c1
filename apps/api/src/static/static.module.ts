import { Module } from '@nestjs/common';
import { CliBundleController } from './cli-bundle.controller.js';

@Module({ controllers: [CliBundleController] })
export class StaticModule {}
