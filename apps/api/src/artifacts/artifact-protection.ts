// Versions that must never be deleted, by hand or by retention: what each environment runs
// now, what Roll back would pick there, and anything queued, running or waiting for approval.
import type { ArtifactProtectionView } from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';
import type { PrismaService } from '../prisma/prisma.service.js';

type Db = PrismaService | Prisma.TransactionClient;

interface ProtectionRow {
  artifactId: string;
  kind: ArtifactProtectionView['kind'];
  environment: string;
}

/**
 * Artifact id → why it is protected. "Current" and "rollback" follow DeploymentsService:
 * current is an environment's latest succeeded deployment (by finishedAt), the rollback
 * target its latest succeeded deployment of another version. Rollback looks at the last 50
 * successes only; this looks at all of them, so it protects at least what Roll back can pick.
 */
export async function protectedArtifacts(db: Db, projectId: string): Promise<Map<string, ArtifactProtectionView[]>> {
  const rows = await db.$queryRaw<ProtectionRow[]>`
    WITH succeeded AS (
      SELECT d."environmentId", d."artifactId", d."finishedAt",
             row_number() OVER (PARTITION BY d."environmentId" ORDER BY d."finishedAt" DESC) AS rn
        FROM "Deployment" d
       WHERE d."projectId" = ${projectId}::uuid AND d."state" = 'succeeded'
    ), current_version AS (
      SELECT "environmentId", "artifactId" FROM succeeded WHERE rn = 1
    ), rollback_target AS (
      SELECT DISTINCT ON (s."environmentId") s."environmentId", s."artifactId"
        FROM succeeded s
        JOIN current_version c ON c."environmentId" = s."environmentId"
       WHERE s."artifactId" <> c."artifactId"
       ORDER BY s."environmentId", s."finishedAt" DESC
    ), deploying AS (
      SELECT DISTINCT d."environmentId", d."artifactId"
        FROM "Deployment" d
       WHERE d."projectId" = ${projectId}::uuid AND d."state" IN ('queued', 'running', 'awaiting_approval')
    )
    SELECT p."artifactId"::text AS "artifactId", p.kind, e."name" AS environment
      FROM (
        SELECT "environmentId", "artifactId", 'current' AS kind FROM current_version
        UNION ALL SELECT "environmentId", "artifactId", 'rollback' FROM rollback_target
        UNION ALL SELECT "environmentId", "artifactId", 'deploying' FROM deploying
      ) p
      JOIN "Environment" e ON e."id" = p."environmentId"
     ORDER BY e."position", e."name", p.kind`;
  const out = new Map<string, ArtifactProtectionView[]>();
  for (const r of rows) {
    const list = out.get(r.artifactId) ?? [];
    list.push({ kind: r.kind, environment: r.environment });
    out.set(r.artifactId, list);
  }
  return out;
}

/** "it is running in production; production would roll back to it" */
export function describeProtection(reasons: readonly ArtifactProtectionView[]): string {
  return reasons
    .map((r) => {
      switch (r.kind) {
        case 'current':
          return `it is the current version of ${r.environment}`;
        case 'rollback':
          return `${r.environment} would roll back to it`;
        case 'deploying':
          return `it is being deployed to ${r.environment}`;
      }
    })
    .join('; ');
}
