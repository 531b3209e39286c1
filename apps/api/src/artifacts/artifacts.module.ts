import { Module } from '@nestjs/common';
import { ArtifactStorage } from './artifact-storage.js';
import { ArtifactsController } from './artifacts.controller.js';
import { ArtifactsService } from './artifacts.service.js';

@Module({
  controllers: [ArtifactsController],
  providers: [ArtifactsService, ArtifactStorage],
  // For the worker: ArtifactsService.resolveArtifactFile(projectId, version), or the storage
  // itself when it already holds the artifact row (plan builder).
  exports: [ArtifactsService, ArtifactStorage],
})
export class ArtifactsModule {}
