import { Module } from '@nestjs/common';
import { LogRetentionController } from './log-retention.controller.js';
import { LogRetention } from './log-retention.service.js';
import { ReleasesController } from './releases.controller.js';
import { ReleasesService } from './releases.service.js';

/** Release review (the Releases pages and CSV export) and log retention settings. */
@Module({
  controllers: [ReleasesController, LogRetentionController],
  providers: [ReleasesService, LogRetention],
  exports: [LogRetention],
})
export class ReleasesModule {}
