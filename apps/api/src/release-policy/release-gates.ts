// What a release request must pass before a deployment row exists: promotion, freeze
// windows, and whether it waits for approval. Each gate lives in its own file; this one
// runs them in order and gathers what the deployment records.
import { Injectable } from '@nestjs/common';
import { ApprovalPolicy } from './approval-policy.js';
import { FreezeGate } from './freeze-gate.js';
import type { GateDecision, GateRequest } from './gate-types.js';
import { PromotionGate } from './promotion-gate.js';

@Injectable()
export class ReleaseGates {
  constructor(
    private readonly promotion: PromotionGate,
    private readonly freeze: FreezeGate,
    private readonly approval: ApprovalPolicy,
  ) {}

  async check(req: GateRequest): Promise<GateDecision> {
    const promotion = await this.promotion.check(req);
    const freeze = await this.freeze.check(req);
    const approval = await this.approval.requirementFor(req);
    return {
      approvalsRequired: approval.approvalsRequired,
      approvalExpiresAt: approval.expiresAt,
      promotionOverrideReason: promotion.overrideReason ?? null,
      freezeOverrideReason: freeze.overrideReason ?? null,
      audit: [...(promotion.audit ?? []), ...(freeze.audit ?? []), ...(approval.audit ?? [])],
    };
  }
}
