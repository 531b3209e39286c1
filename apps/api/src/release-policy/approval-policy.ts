// Approvals: whether a release waits for approvers before it is queued.
import { Injectable } from '@nestjs/common';
import type { GateAuditEvent, GateRequest } from './release-gates.js';

export interface ApprovalRequirement {
  approvalsRequired: number;
  expiresAt: Date | null;
  audit?: GateAuditEvent[];
}

@Injectable()
export class ApprovalPolicy {
  // TODO(issue 10, approvals): read the environment's rule (approvalsRequired, approvalTtlMinutes).
  async requirementFor(_req: GateRequest): Promise<ApprovalRequirement> {
    return { approvalsRequired: 0, expiresAt: null };
  }
}
