import { Module } from '@nestjs/common';
import { CommitsModule } from '../webhooks/commits.module.js';
import { ArtifactDeletion } from './artifact-deletion.service.js';
import { ArtifactRetentionController } from './artifact-retention.controller.js';
import { ArtifactRetention } from './artifact-retention.service.js';
import { ArtifactStorage } from './artifact-storage.js';
import { ArtifactsController } from './artifacts.controller.js';
import { ArtifactsService } from './artifacts.service.js';

@Module({
  // Commits from artifact pushes, and waking auto-deploys waiting for an artifact.
  imports: [CommitsModule],
  controllers: [ArtifactsController, ArtifactRetentionController],
  providers: [ArtifactsService, ArtifactStorage, ArtifactDeletion, ArtifactRetention],
  // For the worker: ArtifactsService.resolveArtifactFile(projectId, version), or the storage
  // itself when it already holds the artifact row (plan builder).
  // The worker's retention sweeper uses ArtifactRetention.
  exports: [ArtifactsService, ArtifactStorage, ArtifactRetention],
})
export class ArtifactsModule {}
