// The Releases filters as one Prisma where clause, shared by the page and the CSV export.
// Each filter maps to an indexed column or a bounded subquery, so a page stays an index scan
// in (projectId|environmentId, createdAt desc) order that stops after `limit` rows.
import type { ReleaseFilter, TimeIdCursor } from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';

export type ScopedReleaseFilter = ReleaseFilter & { projectId?: string };

/**
 * The filter with its lookups done: `environmentId` already checked to be in the project (so
 * the project condition can go and the (environmentId, createdAt) index serves the page), and
 * `version` turned into the ids of the artifacts with that version (no join per row).
 */
export type ResolvedReleaseFilter = Omit<ScopedReleaseFilter, 'version'> & {
  artifactIds?: string[];
  /** For `q`: the deployments with an approval comment that matches, when there are few. */
  commentedIds?: string[];
};

export function releaseWhere(f: ResolvedReleaseFilter, cursor?: TimeIdCursor): Prisma.DeploymentWhereInput {
  const and: Prisma.DeploymentWhereInput[] = [];
  if (f.environmentId) and.push({ environmentId: f.environmentId });
  else if (f.projectId) and.push({ projectId: f.projectId });
  if (f.state) and.push({ state: f.state });
  if (f.trigger) and.push({ trigger: f.trigger });
  if (f.from) and.push({ createdAt: { gte: new Date(f.from) } });
  if (f.to) and.push({ createdAt: { lt: new Date(f.to) } });
  if (f.artifactIds) {
    // The version released, or the one it replaced ("what happened around 1.4.2").
    and.push({ OR: [{ artifactId: { in: f.artifactIds } }, { previousArtifactId: { in: f.artifactIds } }] });
  }
  if (f.actor) {
    // A person took part as the requester, or by approving or rejecting.
    and.push({
      OR: [
        { actorLabel: { contains: f.actor, mode: 'insensitive' } },
        { approvals: { some: { userLabel: { contains: f.actor, mode: 'insensitive' } } } },
      ],
    });
  }
  if (f.q) {
    const text = { contains: f.q, mode: 'insensitive' } as const;
    and.push({
      OR: [
        { error: text },
        { promotionOverrideReason: text },
        { freezeOverrideReason: text },
        // The looked-up ids, when the lookup found few: an EXISTS per deployment inside an OR
        // is estimated to match half of them, so a rare term read every deployment in time order.
        f.commentedIds ? { id: { in: f.commentedIds } } : { approvals: { some: { comment: text } } },
      ],
    });
  }
  if (cursor) {
    and.push({
      OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
    });
  }
  return and.length ? { AND: and } : {};
}

export const releaseOrder: Prisma.DeploymentOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];
