// Releases nobody approved in time become expired: a conditional update from
// awaiting_approval, so the worker's sweeper, an approve request that finds one overdue, and
// several workers at once each expire a release exactly once.
import { Injectable } from '@nestjs/common';
import { RELEASE_AUDIT_ACTIONS } from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { DeploymentEvents } from '../deployments/deployment-events.js';
import { PrismaService } from '../prisma/prisma.service.js';

const BATCH = 200;

@Injectable()
export class ApprovalExpiry {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DeploymentEvents,
  ) {}

  /** Expires overdue releases (all of them, or only `deploymentId`); returns the ids expired. */
  async expireOverdue(deploymentId?: string): Promise<string[]> {
    const rows = await this.prisma.$transaction(async (tx) => {
      const expired = await tx.$queryRaw<{ id: string; projectId: string; approvalExpiresAt: Date }[]>`
        UPDATE "Deployment" SET "state" = 'expired', "finishedAt" = now(),
               "error" = 'not approved in time: the approval expired at ' || to_char("approvalExpiresAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
         WHERE "id" IN (
           SELECT "id" FROM "Deployment"
            WHERE "state" = 'awaiting_approval' AND "approvalExpiresAt" <= now()
              AND (${deploymentId ?? null}::uuid IS NULL OR "id" = ${deploymentId ?? null}::uuid)
            ORDER BY "approvalExpiresAt" LIMIT ${BATCH}
            FOR UPDATE SKIP LOCKED)
           AND "state" = 'awaiting_approval'
         RETURNING "id", "projectId", "approvalExpiresAt"`;
      for (const d of expired) {
        await tx.deploymentTarget.updateMany({
          where: { deploymentId: d.id, state: 'pending' },
          data: { state: 'cancelled' },
        });
        // In the same transaction: an expiry is never without its audit event.
        await this.audit.record(
          { actor: { type: 'system', label: 'approvals' }, ip: null },
          {
            action: RELEASE_AUDIT_ACTIONS.approvalExpired,
            subjectType: 'deployment',
            subjectId: d.id,
            projectId: d.projectId,
            data: { expiresAt: d.approvalExpiresAt.toISOString() },
          },
          tx,
        );
      }
      return expired;
    });
    for (const d of rows) await this.events.statusChanged(d.id);
    return rows.map((d) => d.id);
  }
}
