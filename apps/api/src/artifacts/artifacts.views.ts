// Artifact row → ArtifactView. (The list cursor is the shared TimeIdCursor.)
import type { ArtifactView } from '@wharf/shared';
import type { Artifact } from '../generated/prisma/client.js';

export type ArtifactRow = Artifact & { uploadedByToken: { prefix: string } | null };

/** `userEmails` maps uploadedByUserId / deletedById → email (the columns have no relation to User). */
export function toArtifactView(a: ArtifactRow, userEmails: ReadonlyMap<string, string>): ArtifactView {
  let uploadedBy: string | null = null;
  if (a.uploadedByToken) uploadedBy = `token:${a.uploadedByToken.prefix}`;
  else if (a.uploadedByUserId) uploadedBy = userEmails.get(a.uploadedByUserId) ?? null;
  return {
    id: a.id,
    version: a.version,
    kind: a.kind,
    sha256: a.sha256,
    sizeBytes: a.sizeBytes === null ? null : Number(a.sizeBytes),
    imageRef: a.imageRef,
    imageDigest: a.imageDigest,
    hasNodeModules: a.hasNodeModules,
    gitRef: a.gitRef,
    commitSha: a.commitSha,
    commitMessage: a.commitMessage,
    commitAuthor: a.commitAuthor,
    uploadedBy,
    createdAt: a.createdAt.toISOString(),
    deleted:
      a.deletedAt && a.deleteReason
        ? {
            at: a.deletedAt.toISOString(),
            by: a.deletedById ? (userEmails.get(a.deletedById) ?? null) : null,
            reason: a.deleteReason,
          }
        : null,
  };
}
