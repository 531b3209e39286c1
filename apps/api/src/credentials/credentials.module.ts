import { Module } from '@nestjs/common';
import { CredentialsController } from './credentials.controller.js';
import { CredentialsService } from './credentials.service.js';
import { SecretBoxService } from './secret-box.service.js';

@Module({
  controllers: [CredentialsController],
  providers: [CredentialsService, SecretBoxService],
  exports: [CredentialsService, SecretBoxService],
})
export class CredentialsModule {}
