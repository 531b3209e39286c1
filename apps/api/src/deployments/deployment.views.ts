import {
  readDeploySettings,
  releaseStrategyOf,
  type DeploymentApprovalView,
  type DeploymentView,
  type TargetDetail,
  type TargetKind,
} from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';

export const deploymentViewInclude = {
  project: { select: { slug: true } },
  environment: { select: { name: true, approverUserIds: true, settings: true } },
  artifact: { select: { version: true } },
  previousArtifact: { select: { version: true } },
  targets: { orderBy: [{ batch: 'asc' }, { targetName: 'asc' }], include: { target: { select: { kind: true } } } },
  approvals: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.DeploymentInclude;

export type DeploymentWithRelations = Prisma.DeploymentGetPayload<{ include: typeof deploymentViewInclude }>;

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function toDeploymentView(d: DeploymentWithRelations): DeploymentView {
  return {
    id: d.id,
    projectSlug: d.project.slug,
    environmentId: d.environmentId,
    environmentName: d.environment.name,
    version: d.artifact.version,
    previousVersion: d.previousArtifact?.version ?? null,
    trigger: d.trigger,
    state: d.state,
    actor: d.actorLabel,
    error: d.error,
    retryOfId: d.retryOfId,
    cancelRequested: d.cancelRequestedAt !== null,
    logTruncated: d.logTruncated,
    logsPrunedAt: iso(d.logsPrunedAt),
    createdAt: d.createdAt.toISOString(),
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    targets: d.targets.map((t) => ({
      targetId: t.targetId,
      targetName: t.targetName,
      batch: t.batch,
      state: t.state,
      startedAt: iso(t.startedAt),
      finishedAt: iso(t.finishedAt),
      error: t.error,
      detail: (t.detail ?? null) as TargetDetail | null,
    })),
    // As the worker decides it (plan builder): the environment's settings and the targets' kind.
    strategy: releaseStrategyOf(
      d.targets.flatMap((t) => (t.target ? [t.target.kind as TargetKind] : [])),
      readDeploySettings(d.environment.settings),
    ),
    approval: approvalView(d),
    promotionOverrideReason: d.promotionOverrideReason,
    freezeOverrideReason: d.freezeOverrideReason,
  };
}

/** Null for a release that needed no approval. */
function approvalView(d: DeploymentWithRelations): DeploymentApprovalView | null {
  if (d.approvalsRequired === 0) return null;
  return {
    required: d.approvalsRequired,
    received: d.approvals.filter((a) => a.decision === 'approved').length,
    expiresAt: iso(d.approvalExpiresAt),
    approvedAt: iso(d.approvedAt),
    requesterUserId: d.actorUserId,
    approverUserIds: d.environment.approverUserIds,
    decisions: d.approvals.map((a) => ({
      userId: a.userId,
      user: a.userLabel,
      decision: a.decision,
      comment: a.comment,
      at: a.at.toISOString(),
    })),
  };
}
