import { Module } from '@nestjs/common';
import { ApprovalExpiry } from './approval-expiry.js';
import { ApprovalRulesService } from './approval-rules.service.js';
import { ApprovalsController } from './approvals.controller.js';
import { ApprovalsService } from './approvals.service.js';

/** Approvals of releases: the rule per environment, decisions, and the waiting list. */
@Module({
  controllers: [ApprovalsController],
  providers: [ApprovalsService, ApprovalRulesService, ApprovalExpiry],
})
export class ApprovalsModule {}
