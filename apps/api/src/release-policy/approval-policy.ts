// Approvals: whether a release waits for approvers before it is queued.
//
// Every way of starting a release on the environment waits when its rule asks for approval:
// a release, a webhook auto-deploy, and a rollback too (a rollback to production changes
// production as much as a release does). The one exception is "retry failed targets" of a
// deployment that was itself approved: it runs the same version on the hosts that did not
// get it, which the approvers already agreed to. (A retry of a release that needed no
// approval, from before the rule was set, waits like any new release.)
import { Injectable } from '@nestjs/common';
import { RELEASE_AUDIT_ACTIONS } from '@wharf/shared';
import { PrismaService } from '../prisma/prisma.service.js';
import type { GateAuditEvent, GateRequest } from './gate-types.js';

export interface ApprovalRequirement {
  approvalsRequired: number;
  expiresAt: Date | null;
  audit?: GateAuditEvent[];
}

const NONE: ApprovalRequirement = { approvalsRequired: 0, expiresAt: null };

@Injectable()
export class ApprovalPolicy {
  constructor(private readonly prisma: PrismaService) {}

  async requirementFor(req: GateRequest, now = new Date()): Promise<ApprovalRequirement> {
    const env = req.environment;
    if (env.approvalsRequired <= 0) return NONE;
    if (req.retryOfId && (await this.wasApproved(req.retryOfId))) return NONE;
    const expiresAt = new Date(now.getTime() + env.approvalTtlMinutes * 60_000);
    return {
      approvalsRequired: env.approvalsRequired,
      expiresAt,
      audit: [
        {
          action: RELEASE_AUDIT_ACTIONS.awaitingApproval,
          data: {
            environment: env.name,
            version: req.artifact.version,
            needed: env.approvalsRequired,
            approvers: env.approverUserIds.length > 0 ? env.approverUserIds : 'maintainers',
            expiresAt: expiresAt.toISOString(),
          },
        },
      ],
    };
  }

  /**
   * The retried deployment got every approval it needed. A retry of an approved release's
   * retry counts too: the retry itself carries no approvals, so follow retryOfId back.
   */
  private async wasApproved(deploymentId: string): Promise<boolean> {
    let id: string | null = deploymentId;
    for (let hops = 0; id && hops < 20; hops++) {
      const d: { approvedAt: Date | null; retryOfId: string | null } | null = await this.prisma.deployment.findUnique({
        where: { id },
        select: { approvedAt: true, retryOfId: true },
      });
      if (!d) return false;
      if (d.approvedAt) return true;
      id = d.retryOfId;
    }
    return false;
  }
}
