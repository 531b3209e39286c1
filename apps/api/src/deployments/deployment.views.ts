import type { DeploymentView, TargetDetail } from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';

export const deploymentViewInclude = {
  project: { select: { slug: true } },
  environment: { select: { name: true } },
  artifact: { select: { version: true } },
  previousArtifact: { select: { version: true } },
  targets: { orderBy: [{ batch: 'asc' }, { targetName: 'asc' }] },
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
  };
}
