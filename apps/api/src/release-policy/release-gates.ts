// What a release request must pass before a deployment row exists: promotion, freeze
// windows, and whether it waits for approval. Each gate lives in its own file; this one
// runs them in order and gathers what the deployment records.
import { Injectable } from '@nestjs/common';
import type { DeploymentTrigger, ReleaseOverrides } from '@wharf/shared';
import type { Artifact, Environment } from '../generated/prisma/client.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { ApprovalPolicy } from './approval-policy.js';
import { FreezeGate } from './freeze-gate.js';
import { PromotionGate } from './promotion-gate.js';

export interface GateRequest {
  ctx: ProjectCtx;
  environment: Environment;
  artifact: Artifact;
  trigger: DeploymentTrigger;
  overrides: ReleaseOverrides;
  /** Retrying the failed targets of an earlier deployment (same version, already let through). */
  retryOfId?: string;
}

/** An audit event a gate asks to record in the transaction that creates the deployment. */
export interface GateAuditEvent {
  action: string;
  data: Record<string, unknown>;
}

/** What the gates decided; a refusal is thrown as an HTTP exception instead. */
export interface GateDecision {
  /** 0: queue now; n > 0: wait for n distinct approvers. */
  approvalsRequired: number;
  approvalExpiresAt: Date | null;
  promotionOverrideReason: string | null;
  freezeOverrideReason: string | null;
  audit: GateAuditEvent[];
}

export interface GateResult {
  overrideReason?: string;
  audit?: GateAuditEvent[];
}

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
