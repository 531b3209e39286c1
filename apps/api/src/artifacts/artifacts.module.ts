import { Module } from '@nestjs/common';
import { ArtifactStorage } from './artifact-storage.js';
import { ArtifactsController } from './artifacts.controller.js';
import { ArtifactsService } from './artifacts.service.js';

@Module({
  controllers: [ArtifactsController],
  providers: [ArtifactsService, ArtifactStorage],
  // The worker resolves artifact files through ArtifactsService.resolveArtifactFile.
  exports: [ArtifactsService],
})
export class ArtifactsModule {}
