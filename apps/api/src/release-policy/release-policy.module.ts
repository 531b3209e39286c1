import { Global, Module } from '@nestjs/common';
import { ApprovalPolicy } from './approval-policy.js';
import { FreezeGate } from './freeze-gate.js';
import { PromotionGate } from './promotion-gate.js';
import { ReleaseGates } from './release-gates.js';

/** Release gates (promotion, freeze windows, approvals) and their management routes. */
@Global()
@Module({
  providers: [ReleaseGates, PromotionGate, FreezeGate, ApprovalPolicy],
  exports: [ReleaseGates, PromotionGate, FreezeGate, ApprovalPolicy],
})
export class ReleasePolicyModule {}
