import { Module } from '@nestjs/common';
import { FreezeWindowsService } from './freeze-windows.service.js';
import { PromotionRuleService } from './promotion-rule.service.js';
import { ReleaseCheckService } from './release-check.service.js';
import { ReleaseRulesController } from './release-rules.controller.js';

/** HTTP routes for the promotion rule, freeze windows and the release check (the gates: ReleasePolicyModule). */
@Module({
  controllers: [ReleaseRulesController],
  providers: [PromotionRuleService, FreezeWindowsService, ReleaseCheckService],
})
export class ReleaseRulesModule {}
