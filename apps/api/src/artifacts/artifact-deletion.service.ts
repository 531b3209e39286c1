// Deleting a version: the row stays (marked deleted, so history, audit and the version's
// name survive); the stored file goes once no live version of the project shares it.
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { ArtifactDeleteReason, RetentionSettings } from '@wharf/shared';
import { stat } from 'node:fs/promises';
import { AuditService } from '../audit/audit.service.js';
import type { RequestContext } from '../common/request-context.js';
import { JsonLogger } from '../common/json-logger.js';
import type { Artifact, Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { ArtifactStorage } from './artifact-storage.js';
import { lockProjectDeletions, lockStorageKey, versionGone } from './artifact-locks.js';
import { describeProtection, protectedArtifacts } from './artifact-protection.js';

/** Deletions may wait for a sweep of the same project to finish. */
export const DELETION_TX = { maxWait: 10_000, timeout: 60_000 } as const;

export const RETENTION_ACTOR: Pick<RequestContext, 'actor' | 'ip'> = {
  actor: { type: 'system', label: 'retention' },
  ip: null,
};

type Tx = Prisma.TransactionClient;

@Injectable()
export class ArtifactDeletion {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly storage: ArtifactStorage,
    private readonly logger: JsonLogger,
  ) {}

  /**
   * A maintainer deletes a version. Refused (409, naming why) while an environment runs it,
   * is deploying it or would roll back to it; 410 if it is already deleted.
   */
  async deleteByHand(ctx: ProjectCtx, version: string): Promise<void> {
    const projectId = ctx.project.id;
    const deleted = await this.prisma.$transaction(async (tx) => {
      await lockProjectDeletions(tx, projectId);
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id"::text AS id FROM "Artifact"
         WHERE "projectId" = ${projectId}::uuid AND "version" = ${version} FOR UPDATE`;
      if (!locked[0]) throw new NotFoundException(`artifact ${version} not found`);
      const row = await tx.artifact.findUniqueOrThrow({ where: { id: locked[0].id } });
      if (row.deletedAt) throw versionGone(version, row);
      const reasons = (await protectedArtifacts(tx, projectId)).get(row.id);
      if (reasons) {
        throw new ConflictException(`version ${version} cannot be deleted: ${describeProtection(reasons)}`);
      }
      await this.markDeleted(tx, row, 'manual', ctx);
      return row;
    }, DELETION_TX);
    if (deleted.storageKey) await this.removeFileIfUnreferenced(deleted.storageKey);
  }

  /**
   * Marks a row deleted and audits it, inside the caller's transaction. The caller holds the
   * project's deletion lock and the row, and has checked that it is not protected.
   */
  async markDeleted(
    tx: Tx,
    row: Artifact,
    reason: ArtifactDeleteReason,
    ctx: Pick<RequestContext, 'actor' | 'ip'>,
    settings?: RetentionSettings,
  ): Promise<void> {
    await tx.artifact.update({
      where: { id: row.id },
      data: {
        deletedAt: new Date(),
        deleteReason: reason,
        deletedById: ctx.actor.type === 'user' ? ctx.actor.id : null,
      },
    });
    await this.audit.record(
      ctx,
      {
        action: 'artifact.deleted',
        subjectType: 'artifact',
        subjectId: row.id,
        projectId: row.projectId,
        data: {
          version: row.version,
          kind: row.kind,
          reason,
          sha256: row.sha256,
          sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
          ...(settings ? { settings } : {}),
        },
      },
      tx,
    );
  }

  /**
   * Removes a stored file if no live version references it. Serialized with pushes of the
   * same content (see artifact-locks.ts), so a push that is renaming its file into place
   * either commits first (the file stays) or finds it gone and puts its own.
   */
  async removeFileIfUnreferenced(storageKey: string): Promise<boolean> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        await lockStorageKey(tx, storageKey);
        const live = await tx.artifact.count({ where: { storageKey, deletedAt: null } });
        if (live > 0) return false;
        await this.storage.remove(storageKey);
        return true;
      }, DELETION_TX);
    } catch (err) {
      // The row is already deleted; the next sweep's orphan pass retries the file.
      this.logger.event(
        'warn',
        'could not remove a deleted artifact file',
        { storageKey, error: String(err) },
        'Artifacts',
      );
      return false;
    }
  }

  /**
   * Files of deleted versions that are still on disk with no live version referencing them
   * (the process stopped between the delete and the removal): removed. Idempotent.
   */
  async removeOrphanFiles(projectId: string): Promise<number> {
    const keys = await this.prisma.$queryRaw<{ storageKey: string }[]>`
      SELECT DISTINCT a."storageKey" FROM "Artifact" a
       WHERE a."projectId" = ${projectId}::uuid AND a."deletedAt" IS NOT NULL AND a."storageKey" IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM "Artifact" b WHERE b."storageKey" = a."storageKey" AND b."deletedAt" IS NULL)`;
    let removed = 0;
    for (const { storageKey } of keys) {
      const onDisk = await stat(this.storage.pathOf(storageKey)).catch(() => null);
      if (onDisk && (await this.removeFileIfUnreferenced(storageKey))) removed++;
    }
    return removed;
  }
}
