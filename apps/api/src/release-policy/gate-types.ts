// The shapes gates share: what a release request brings, and what a gate answers.
import type { DeploymentTrigger, ReleaseOverrides } from '@wharf/shared';
import type { Artifact, Environment } from '../generated/prisma/client.js';
import type { ProjectCtx } from '../projects/projects.service.js';

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
