// Release review: deployments as release records (versions from -> to, commit range,
// requester, approvers, result, override reasons, links), a keyset page at a time for the
// Releases pages, or batch by batch for the CSV export (bounded memory, any size).
import { Injectable, NotFoundException } from '@nestjs/common';
import { encodeTimeIdCursor, type Page, type ReleaseView, type TimeIdCursor } from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { countCommits } from './release-commits.js';
import { releaseOrder, releaseWhere, type ResolvedReleaseFilter, type ScopedReleaseFilter } from './release-filter.js';

const EXPORT_BATCH = 1000;
/**
 * At most this many deployments whose approval comments match `q` are named by id (see
 * resolve); more, and the term is common enough that a newest-first read stops early.
 */
const COMMENTED_IDS_MAX = 1000;

const releaseSelect = {
  id: true,
  projectId: true,
  environmentId: true,
  trigger: true,
  state: true,
  actorLabel: true,
  error: true,
  promotionOverrideReason: true,
  freezeOverrideReason: true,
  logsPrunedAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  project: { select: { slug: true } },
  environment: { select: { name: true } },
  artifact: { select: { version: true, commitSha: true } },
  previousArtifact: { select: { version: true, commitSha: true } },
  approvals: {
    select: { userLabel: true, decision: true, comment: true, at: true },
    orderBy: { at: 'asc' },
  },
} satisfies Prisma.DeploymentSelect;

type ReleaseRow = Prisma.DeploymentGetPayload<{ select: typeof releaseSelect }>;

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

function toReleaseView(d: ReleaseRow, commitCount: number | null): ReleaseView {
  const deploymentPath = `/projects/${encodeURIComponent(d.project.slug)}/deployments/${d.id}`;
  return {
    id: d.id,
    projectId: d.projectId,
    projectSlug: d.project.slug,
    environmentId: d.environmentId,
    environmentName: d.environment.name,
    fromVersion: d.previousArtifact?.version ?? null,
    toVersion: d.artifact.version,
    fromCommit: d.previousArtifact?.commitSha ?? null,
    toCommit: d.artifact.commitSha,
    commitCount,
    requester: d.actorLabel,
    approvers: d.approvals.filter((a) => a.decision === 'approved').map((a) => a.userLabel),
    approvals: d.approvals.map((a) => ({
      user: a.userLabel,
      decision: a.decision,
      comment: a.comment,
      at: a.at.toISOString(),
    })),
    trigger: d.trigger,
    state: d.state,
    requestedAt: d.createdAt.toISOString(),
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    durationMs: d.startedAt && d.finishedAt ? d.finishedAt.getTime() - d.startedAt.getTime() : null,
    error: d.error,
    promotionOverrideReason: d.promotionOverrideReason,
    freezeOverrideReason: d.freezeOverrideReason,
    logsPrunedAt: iso(d.logsPrunedAt),
    deploymentPath,
    logPath: `/api/v1${deploymentPath}/logs/download`,
  };
}

@Injectable()
export class ReleasesService {
  constructor(private readonly prisma: PrismaService) {}

  async list(filter: ScopedReleaseFilter, limit: number, cursor?: TimeIdCursor): Promise<Page<ReleaseView>> {
    const resolved = await this.resolve(filter);
    if (!resolved) return { items: [], nextCursor: null };
    const rows = await this.batch(resolved, limit + 1, cursor);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await this.views(page),
      nextCursor: rows.length > limit && last ? encodeTimeIdCursor(last) : null,
    };
  }

  /** Every matching release, newest first, a batch at a time (for the CSV export). */
  async *stream(filter: ScopedReleaseFilter, size = EXPORT_BATCH): AsyncGenerator<ReleaseView[]> {
    const resolved = await this.resolve(filter);
    if (!resolved) return;
    let cursor: TimeIdCursor | undefined;
    for (;;) {
      const rows = await this.batch(resolved, size, cursor);
      if (rows.length === 0) return;
      yield await this.views(rows);
      if (rows.length < size) return;
      const last = rows[rows.length - 1]!;
      cursor = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** The project id of an admin's `project` filter (404 for an unknown slug). */
  async projectIdOf(slug: string): Promise<string> {
    const p = await this.prisma.project.findUnique({ where: { slug }, select: { id: true } });
    if (!p) throw new NotFoundException(`project ${slug} not found`);
    return p.id;
  }

  /** Lookups done once per request (null: nothing can match, e.g. another project's environment). */
  private async resolve({ version, ...scoped }: ScopedReleaseFilter): Promise<ResolvedReleaseFilter | null> {
    let filter: ResolvedReleaseFilter = scoped;
    if (filter.environmentId && filter.projectId) {
      const env = await this.prisma.environment.findFirst({
        where: { id: filter.environmentId, projectId: filter.projectId },
        select: { id: true },
      });
      if (!env) return null;
    }
    if (filter.q) {
      // The deployments whose approval comments match, looked up once (the same test).
      const approvals = await this.prisma.deploymentApproval.findMany({
        where: {
          comment: { contains: filter.q, mode: 'insensitive' },
          ...(filter.projectId ? { deployment: { projectId: filter.projectId } } : {}),
        },
        select: { deploymentId: true },
        take: COMMENTED_IDS_MAX + 1,
      });
      const ids = [...new Set(approvals.map((a) => a.deploymentId))];
      if (approvals.length <= COMMENTED_IDS_MAX) filter = { ...filter, commentedIds: ids };
    }
    if (!version) return filter;
    const artifacts = await this.prisma.artifact.findMany({
      where: { version, ...(filter.projectId ? { projectId: filter.projectId } : {}) },
      select: { id: true },
    });
    return artifacts.length ? { ...filter, artifactIds: artifacts.map((a) => a.id) } : null;
  }

  private batch(filter: ResolvedReleaseFilter, take: number, cursor?: TimeIdCursor): Promise<ReleaseRow[]> {
    const query = {
      where: releaseWhere(filter, cursor),
      orderBy: releaseOrder,
      take,
      select: releaseSelect,
    };
    if (!filter.actor && !filter.q) return this.prisma.deployment.findMany(query);
    // The approval subquery of these filters inflates the plan's cost estimate past Postgres'
    // JIT threshold, and compiling the plan then costs far more (seconds) than running it.
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL jit = off`;
      return tx.deployment.findMany(query);
    });
  }

  private async views(rows: ReleaseRow[]): Promise<ReleaseView[]> {
    const counts = await countCommits(
      this.prisma,
      rows.map((d) => ({
        key: d.id,
        projectId: d.projectId,
        fromSha: d.previousArtifact?.commitSha ?? null,
        toSha: d.artifact.commitSha,
      })),
    );
    return rows.map((d) => toReleaseView(d, counts.get(d.id) ?? null));
  }
}
