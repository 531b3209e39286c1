// Artifact row → ArtifactView, and the opaque list cursor (createdAt + id of the last row).
import { BadRequestException } from '@nestjs/common';
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

export interface ArtifactCursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(c: ArtifactCursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ArtifactCursor {
  const invalid = new BadRequestException('cursor is not valid; use the nextCursor of a previous page');
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || rest.length || !UUID.test(id)) throw invalid;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) throw invalid;
  return { createdAt, id };
}
