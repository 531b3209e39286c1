import { Module } from '@nestjs/common';
import { ArtifactCommits } from './artifact-commits.service.js';
import { CommitsService } from './commits.service.js';

/** Commits and the artifact-push hook; used by artifacts, webhooks and the worker. */
@Module({ providers: [CommitsService, ArtifactCommits], exports: [CommitsService, ArtifactCommits] })
export class CommitsModule {}
