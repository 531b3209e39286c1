// Approve or reject a release that waits for approval, and list the releases a person may
// approve. Each decision runs in one transaction holding the deployment's row lock, so two
// last approvals at once count in turn and the release is queued exactly once.
import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { RELEASE_AUDIT_ACTIONS, type ApprovalDecisionName, type DeploymentView } from '@wharf/shared';
import { lockLiveArtifactForRelease } from '../artifacts/artifact-locks.js';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { userActor, type UserActor } from '../common/request-context.js';
import { deploymentViewInclude, toDeploymentView } from '../deployments/deployment.views.js';
import { DeploymentEvents } from '../deployments/deployment-events.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { ApprovalExpiry } from './approval-expiry.js';

interface LockedDeployment {
  id: string;
  state: string;
  actorUserId: string | null;
  approvalsRequired: number;
  approvalExpiresAt: Date | null;
  artifactId: string;
  environmentId: string;
}

@Injectable()
export class ApprovalsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly deployments: DeploymentsService,
    private readonly events: DeploymentEvents,
    private readonly expiry: ApprovalExpiry,
  ) {}

  approve(ctx: ProjectCtx, deploymentId: string, comment: string): Promise<DeploymentView> {
    return this.decide(ctx, deploymentId, 'approved', comment);
  }

  reject(ctx: ProjectCtx, deploymentId: string, comment: string): Promise<DeploymentView> {
    return this.decide(ctx, deploymentId, 'rejected', comment);
  }

  private async decide(
    ctx: ProjectCtx,
    deploymentId: string,
    decision: ApprovalDecisionName,
    comment: string,
  ): Promise<DeploymentView> {
    // The route takes signed-in people only; a CI token never gets here.
    const me = userActor(ctx);
    const verb = decision === 'approved' ? 'approve' : 'reject';
    const d = await this.prisma.deployment.findFirst({
      where: { id: deploymentId, projectId: ctx.project.id },
      include: { environment: true },
    });
    if (!d) throw new NotFoundException('deployment not found');
    if (d.actorUserId === me.id) {
      throw new ForbiddenException(`you requested this release: someone else must ${verb} it`);
    }
    const named = d.environment.approverUserIds;
    if (named.length > 0 ? !named.includes(me.id) : ctx.role !== 'maintainer') {
      throw new ForbiddenException(
        named.length > 0
          ? `only the approvers named for ${d.environment.name} may ${verb} its releases`
          : `only maintainers of this project may ${verb} releases to ${d.environment.name}`,
      );
    }
    // Refuse an overdue one even if the sweeper has not got to it yet, and mark it.
    if (d.state === 'awaiting_approval' && d.approvalExpiresAt && d.approvalExpiresAt <= new Date()) {
      await this.expiry.expireOverdue(d.id);
      throw new ConflictException(`this release expired at ${d.approvalExpiresAt.toISOString()} without approval`);
    }

    const outcome = await this.prisma.$transaction(async (tx) => {
      const locked = await this.lockAwaiting(tx, d.id, verb);
      try {
        await tx.deploymentApproval.create({
          data: { deploymentId: d.id, userId: me.id, userLabel: me.email, decision, comment },
        });
      } catch (err) {
        if (isUniqueViolation(err))
          throw new ConflictException('you already decided on this release; one person counts once');
        throw err;
      }
      return decision === 'approved'
        ? this.countApproval(tx, ctx, me, locked, comment)
        : this.markRejected(tx, ctx, me, locked, comment);
    });
    if (outcome === 'queued') await this.deployments.enqueueJob(d.id);
    await this.events.statusChanged(d.id);
    return this.view(d.id);
  }

  /**
   * Locks the row and re-reads it: whatever committed before us (another approval, a reject,
   * the expiry sweeper) is seen here, and nothing changes it until we commit.
   */
  private async lockAwaiting(tx: Prisma.TransactionClient, id: string, verb: string): Promise<LockedDeployment> {
    const [row] = await tx.$queryRaw<(LockedDeployment & { overdue: boolean })[]>`
      SELECT "id", "state"::text AS "state", "actorUserId", "approvalsRequired", "approvalExpiresAt",
             "artifactId", "environmentId", ("approvalExpiresAt" IS NOT NULL AND "approvalExpiresAt" <= now()) AS "overdue"
        FROM "Deployment" WHERE "id" = ${id}::uuid FOR UPDATE`;
    if (!row) throw new NotFoundException('deployment not found');
    if (row.state !== 'awaiting_approval') {
      const why =
        row.state === 'queued' || row.state === 'running' || row.state === 'succeeded' || row.state === 'failed'
          ? 'it already has every approval it needed'
          : `it is ${row.state}`;
      throw new ConflictException(`this release cannot be ${verb}d: ${why}`);
    }
    if (row.overdue) {
      throw new ConflictException(`this release expired at ${row.approvalExpiresAt!.toISOString()} without approval`);
    }
    return row;
  }

  private async countApproval(
    tx: Prisma.TransactionClient,
    ctx: ProjectCtx,
    me: UserActor,
    d: LockedDeployment,
    comment: string,
  ): Promise<'waiting' | 'queued'> {
    const approvals = await tx.deploymentApproval.count({ where: { deploymentId: d.id, decision: 'approved' } });
    await this.audit.record(
      ctx,
      {
        action: RELEASE_AUDIT_ACTIONS.approvalAdded,
        subjectType: 'deployment',
        subjectId: d.id,
        projectId: ctx.project.id,
        data: { approvals, needed: d.approvalsRequired, comment },
      },
      tx,
    );
    if (approvals < d.approvalsRequired) return 'waiting';
    // The version must still exist; deleting it waits for this transaction (FOR SHARE).
    const artifact = await tx.artifact.findUniqueOrThrow({ where: { id: d.artifactId }, select: { version: true } });
    await lockLiveArtifactForRelease(tx, d.artifactId, artifact.version);
    const queued = await tx.deployment.updateMany({
      where: { id: d.id, state: 'awaiting_approval' },
      data: { state: 'queued', approvedAt: new Date() },
    });
    // Cannot happen under the row lock; if it ever does, nothing is queued twice.
    if (queued.count !== 1) throw new ConflictException('this release was decided by someone else just now');
    const approvers = await tx.deploymentApproval.findMany({
      where: { deploymentId: d.id, decision: 'approved' },
      orderBy: { at: 'asc' },
      select: { userLabel: true },
    });
    await this.audit.record(
      ctx,
      {
        action: RELEASE_AUDIT_ACTIONS.approved,
        subjectType: 'deployment',
        subjectId: d.id,
        projectId: ctx.project.id,
        data: { approvals, needed: d.approvalsRequired, approvers: approvers.map((a) => a.userLabel), by: me.email },
      },
      tx,
    );
    return 'queued';
  }

  private async markRejected(
    tx: Prisma.TransactionClient,
    ctx: ProjectCtx,
    me: UserActor,
    d: LockedDeployment,
    comment: string,
  ): Promise<'rejected'> {
    await tx.deployment.update({
      where: { id: d.id },
      data: { state: 'rejected', finishedAt: new Date(), error: `rejected by ${me.email}: ${comment}` },
    });
    await tx.deploymentTarget.updateMany({
      where: { deploymentId: d.id, state: 'pending' },
      data: { state: 'cancelled' },
    });
    await this.audit.record(
      ctx,
      {
        action: RELEASE_AUDIT_ACTIONS.rejected,
        subjectType: 'deployment',
        subjectId: d.id,
        projectId: ctx.project.id,
        data: { comment, by: me.email },
      },
      tx,
    );
    return 'rejected';
  }

  /**
   * Releases across projects waiting for approval that `me` may approve now: not their own,
   * not yet decided by them, not expired; named approvers, else maintainers (admins: all).
   */
  async waitingFor(me: UserActor): Promise<DeploymentView[]> {
    const member = { memberships: { some: { userId: me.id } } };
    const maintainer = { memberships: { some: { userId: me.id, role: 'maintainer' as const } } };
    const rows = await this.prisma.deployment.findMany({
      where: {
        state: 'awaiting_approval',
        approvalExpiresAt: { gt: new Date() },
        OR: [{ actorUserId: null }, { actorUserId: { not: me.id } }],
        approvals: { none: { userId: me.id } },
        AND: [
          {
            OR: [
              { environment: { approverUserIds: { has: me.id } }, ...(me.isAdmin ? {} : { project: member }) },
              { environment: { approverUserIds: { isEmpty: true } }, ...(me.isAdmin ? {} : { project: maintainer }) },
            ],
          },
        ],
      },
      orderBy: [{ approvalExpiresAt: 'asc' }, { id: 'asc' }],
      take: 200,
      include: deploymentViewInclude,
    });
    return rows.map(toDeploymentView);
  }

  /**
   * The signed-in person's own releases still waiting for approval, across the projects they
   * belong to (admins: all), soonest to expire first: what they may withdraw.
   */
  async requestedBy(me: UserActor): Promise<DeploymentView[]> {
    const rows = await this.prisma.deployment.findMany({
      where: {
        state: 'awaiting_approval',
        actorUserId: me.id,
        approvalExpiresAt: { gt: new Date() },
        ...(me.isAdmin ? {} : { project: { memberships: { some: { userId: me.id } } } }),
      },
      orderBy: [{ approvalExpiresAt: 'asc' }, { id: 'asc' }],
      take: 200,
      include: deploymentViewInclude,
    });
    return rows.map(toDeploymentView);
  }

  private async view(id: string): Promise<DeploymentView> {
    const d = await this.prisma.deployment.findUniqueOrThrow({ where: { id }, include: deploymentViewInclude });
    return toDeploymentView(d);
  }
}
