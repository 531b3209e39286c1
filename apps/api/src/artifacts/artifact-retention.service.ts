// Per-project artifact retention: settings, storage used, a preview of what a sweep would
// delete, and the sweep itself (run by every worker periodically, and once when settings
// change). Sweeps are safe to run concurrently: a project is swept by one holder of its
// deletion lock at a time, and each row is re-checked under its own lock.
import { Injectable } from '@nestjs/common';
import type {
  ArtifactProtectionView,
  ArtifactRetentionView,
  ArtifactUsageView,
  RetentionPreviewView,
  RetentionSettings,
  RetentionUpdateView,
} from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { JsonLogger } from '../common/json-logger.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { ArtifactDeletion, DELETION_TX, RETENTION_ACTOR } from './artifact-deletion.service.js';
import { lockProjectDeletions, tryLockProjectDeletions } from './artifact-locks.js';
import { protectedArtifacts } from './artifact-protection.js';
import { retentionCandidates, type LiveVersion } from './retention-policy.js';

type Db = PrismaService | Prisma.TransactionClient;

interface LiveRow extends LiveVersion {
  version: string;
  kind: 'tarball' | 'image';
  sizeBytes: bigint | null;
  storageKey: string | null;
}

@Injectable()
export class ArtifactRetention {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly deletion: ArtifactDeletion,
    private readonly logger: JsonLogger,
  ) {}

  async view(projectId: string): Promise<ArtifactRetentionView> {
    const [settings, usage] = await Promise.all([this.settings(this.prisma, projectId), this.usage(projectId)]);
    return { settings, usage };
  }

  /** Saves the settings (audited), then applies them at once, as the preview showed. */
  async update(ctx: ProjectCtx, settings: RetentionSettings): Promise<RetentionUpdateView> {
    const projectId = ctx.project.id;
    await this.prisma.$transaction(async (tx) => {
      const before = await this.settings(tx, projectId);
      await tx.project.update({
        where: { id: projectId },
        data: { retentionKeepNewest: settings.keepNewest, retentionKeepDeployedDays: settings.keepDeployedDays },
      });
      await this.audit.record(
        ctx,
        {
          action: 'project.retention_updated',
          subjectType: 'project',
          subjectId: projectId,
          projectId,
          data: { slug: ctx.project.slug, from: before, to: settings },
        },
        tx,
      );
    });
    // Waits for a sweep in progress, which may have read the old settings.
    const deleted = (await this.sweepProject(projectId, { wait: true })) ?? [];
    return { ...(await this.view(projectId)), deleted };
  }

  async usage(projectId: string): Promise<ArtifactUsageView> {
    const [row] = await this.prisma.$queryRaw<
      { liveCount: bigint; deletedCount: bigint; liveBytes: bigint; storedBytes: bigint }[]
    >`
      SELECT count(*) FILTER (WHERE a."deletedAt" IS NULL) AS "liveCount",
             count(*) FILTER (WHERE a."deletedAt" IS NOT NULL) AS "deletedCount",
             coalesce(sum(a."sizeBytes") FILTER (WHERE a."deletedAt" IS NULL), 0)::bigint AS "liveBytes",
             (SELECT coalesce(sum(f."sizeBytes"), 0)::bigint FROM (
                SELECT DISTINCT ON (b."storageKey") b."sizeBytes" FROM "Artifact" b
                 WHERE b."projectId" = ${projectId}::uuid AND b."deletedAt" IS NULL AND b."storageKey" IS NOT NULL
              ) f) AS "storedBytes"
        FROM "Artifact" a WHERE a."projectId" = ${projectId}::uuid`;
    return {
      liveCount: Number(row?.liveCount ?? 0),
      deletedCount: Number(row?.deletedCount ?? 0),
      liveBytes: Number(row?.liveBytes ?? 0),
      storedBytes: Number(row?.storedBytes ?? 0),
    };
  }

  /** What a sweep with `settings` would delete right now (nothing is changed). */
  async preview(projectId: string, settings: RetentionSettings): Promise<RetentionPreviewView> {
    const live = await this.liveVersions(this.prisma, projectId);
    const protection = await protectedArtifacts(this.prisma, projectId);
    const doomed = retentionCandidates(live, settings, new Set(protection.keys()), new Date());
    const doomedIds = new Set(doomed.map((v) => v.id));
    const keptKeys = new Set(live.filter((v) => !doomedIds.has(v.id)).map((v) => v.storageKey));
    const freed = new Map<string, number>();
    for (const v of doomed) {
      if (v.storageKey && !keptKeys.has(v.storageKey)) freed.set(v.storageKey, Number(v.sizeBytes ?? 0));
    }
    const protectedList: { version: string; reasons: ArtifactProtectionView[] }[] = [];
    for (const v of live) {
      const reasons = protection.get(v.id);
      if (reasons) protectedList.push({ version: v.version, reasons });
    }
    return {
      settings,
      delete: doomed.map((v) => ({
        version: v.version,
        kind: v.kind,
        sizeBytes: v.sizeBytes === null ? null : Number(v.sizeBytes),
        createdAt: v.createdAt.toISOString(),
        lastDeployedAt: v.lastDeployedAt?.toISOString() ?? null,
      })),
      keptCount: live.length - doomed.length,
      protected: protectedList,
      freedBytes: [...freed.values()].reduce((a, b) => a + b, 0),
    };
  }

  /** Every worker calls this periodically; projects another worker is sweeping are skipped. */
  async sweepAll(): Promise<void> {
    const projects = await this.prisma.project.findMany({
      where: {
        OR: [{ retentionKeepNewest: { not: null } }, { artifacts: { some: { deletedAt: { not: null } } } }],
      },
      select: { id: true, slug: true },
    });
    for (const p of projects) {
      try {
        const deleted = await this.sweepProject(p.id, { wait: false });
        if (deleted?.length) {
          this.logger.event('info', 'retention deleted versions', { project: p.slug, versions: deleted }, 'Retention');
        }
      } catch (err) {
        this.logger.event('warn', 'retention sweep failed', { project: p.slug, error: String(err) }, 'Retention');
      }
    }
  }

  /**
   * Applies the project's retention settings; returns the versions deleted, or null when
   * another sweep holds the project (wait: false). Then removes files no live version needs.
   */
  async sweepProject(projectId: string, opts: { wait: boolean }): Promise<string[] | null> {
    const deleted = await this.prisma.$transaction(async (tx) => {
      if (opts.wait) await lockProjectDeletions(tx, projectId);
      else if (!(await tryLockProjectDeletions(tx, projectId))) return null;
      const settings = await this.settings(tx, projectId);
      if (settings.keepNewest === null) return [];
      const live = await this.liveVersions(tx, projectId);
      const before = await protectedArtifacts(tx, projectId);
      const doomed = retentionCandidates(live, settings, new Set(before.keys()), new Date());
      if (doomed.length === 0) return [];
      // Rows a release holds right now are skipped (they are being deployed). Once the rest
      // are held, no release can start on them; one that committed before is seen below.
      const held = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id"::text AS id FROM "Artifact"
         WHERE "id" = ANY(${doomed.map((v) => v.id)}::uuid[]) AND "deletedAt" IS NULL
         ORDER BY "id" FOR UPDATE SKIP LOCKED`;
      const heldIds = new Set(held.map((r) => r.id));
      const now = await protectedArtifacts(tx, projectId);
      const out: { version: string; storageKey: string | null }[] = [];
      for (const v of doomed) {
        if (!heldIds.has(v.id) || now.has(v.id)) continue;
        const row = await tx.artifact.findUniqueOrThrow({ where: { id: v.id } });
        await this.deletion.markDeleted(tx, row, 'retention', RETENTION_ACTOR, settings);
        out.push({ version: v.version, storageKey: v.storageKey });
      }
      return out;
    }, DELETION_TX);
    if (deleted === null) return null;
    for (const key of new Set(deleted.map((d) => d.storageKey))) {
      if (key) await this.deletion.removeFileIfUnreferenced(key);
    }
    await this.deletion.removeOrphanFiles(projectId);
    return deleted.map((d) => d.version);
  }

  private async settings(db: Db, projectId: string): Promise<RetentionSettings> {
    const p = await db.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { retentionKeepNewest: true, retentionKeepDeployedDays: true },
    });
    return { keepNewest: p.retentionKeepNewest, keepDeployedDays: p.retentionKeepDeployedDays };
  }

  /** Live versions, newest first (the list order), with when each was last deployed. */
  private liveVersions(db: Db, projectId: string): Promise<LiveRow[]> {
    return db.$queryRaw<LiveRow[]>`
      SELECT a."id"::text AS id, a."version", a."kind"::text AS kind, a."sizeBytes", a."storageKey",
             a."createdAt", d."lastDeployedAt"
        FROM "Artifact" a
        LEFT JOIN (
          SELECT "artifactId", max("createdAt") AS "lastDeployedAt" FROM "Deployment"
           WHERE "projectId" = ${projectId}::uuid GROUP BY "artifactId"
        ) d ON d."artifactId" = a."id"
       WHERE a."projectId" = ${projectId}::uuid AND a."deletedAt" IS NULL
       ORDER BY a."createdAt" DESC, a."id" DESC`;
  }
}
