// The locks that keep deleting a version from racing with releasing it, with other
// deletions, and with a push of the same content. All are transaction-scoped: they go away
// with the transaction that took them, so a crashed process never leaves one behind.
//
//   release    locks the version's row FOR SHARE, refuses it if deleted, inserts the deployment
//   delete     takes the project's deletion lock, locks the row FOR UPDATE, re-checks that
//              no environment runs, deploys or would roll back to it, marks it deleted
//   file       push and blob removal serialize on the storage key: a file is removed only
//              when no live version references it, and a push never loses its file
import { GoneException } from '@nestjs/common';
import type { ArtifactDeleteReason } from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';

/** First key of the two-key advisory locks; the second is a hash of the id. */
const PROJECT_DELETION_LOCK = 18_001;
const STORAGE_KEY_LOCK = 18_002;

type Tx = Prisma.TransactionClient;

/** Waits for the project's deletion lock (manual deletes and sweeps take turns). */
export async function lockProjectDeletions(tx: Tx, projectId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(${PROJECT_DELETION_LOCK}::int, hashtext(${projectId}::text))`;
}

/** Takes the project's deletion lock if it is free; false: another sweep or delete holds it. */
export async function tryLockProjectDeletions(tx: Tx, projectId: string): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ locked: boolean }[]>`
    SELECT pg_try_advisory_xact_lock(${PROJECT_DELETION_LOCK}::int, hashtext(${projectId}::text)) AS locked`;
  return row?.locked === true;
}

/** Serializes a push's rename into place with the removal of the same file. */
export async function lockStorageKey(tx: Tx, storageKey: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(${STORAGE_KEY_LOCK}::int, hashtext(${storageKey}::text))`;
}

export interface DeletedMark {
  deletedAt: Date | null;
  deleteReason: ArtifactDeleteReason | null;
}

/**
 * For a release: holds the version's row (FOR SHARE, so concurrent releases of it proceed)
 * until the deployment row commits, and refuses a deleted version. A deletion either
 * committed before (refused here) or waits and then sees the new deployment.
 */
export async function lockLiveArtifactForRelease(tx: Tx, artifactId: string, version: string): Promise<void> {
  const [row] = await tx.$queryRaw<DeletedMark[]>`
    SELECT "deletedAt", "deleteReason"::text AS "deleteReason"
      FROM "Artifact" WHERE "id" = ${artifactId}::uuid FOR SHARE`;
  if (row?.deletedAt) throw versionGone(version, row);
}

export function versionGone(version: string, mark: DeletedMark): GoneException {
  const by = mark.deleteReason === 'retention' ? 'by the retention policy' : 'by a maintainer';
  const at = mark.deletedAt ? ` on ${mark.deletedAt.toISOString()}` : '';
  return new GoneException(`version ${version} was deleted ${by}${at}; its file is gone, push a new version`);
}
