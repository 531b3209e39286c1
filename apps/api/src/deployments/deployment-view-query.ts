// One deployment with everything its view needs, in ONE SQL statement. Prisma's include
// (deploymentViewInclude) sends a query per relation (8 round trips); a dashboard polls
// GET /deployments/:id every 100 ms while a release runs, so those round trips were most
// of the API's and its Postgres backend's CPU during a release (bench/ssh-fanout).
// Same rows, same order as the include; the result has the include's shape.
import type { Pool } from 'pg';
import type { DeploymentWithRelations } from './deployment.views.js';

// Prisma's DateTime columns are timestamp(3) holding UTC: formatted here as exact ISO text,
// since pg would read a zone-less timestamp in the process's local zone.
const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const SQL = `
SELECT d."id", d."projectId", d."environmentId", d."artifactId", d."previousArtifactId", d."trigger"::text AS "trigger",
       d."state"::text AS "state", d."actorUserId", d."actorLabel", d."retryOfId", d."requestKey", d."error",
       d."workerId", ${iso('d."heartbeatAt"')} AS "heartbeatAt", ${iso('d."cancelRequestedAt"')} AS "cancelRequestedAt",
       d."cancelRequestedBy", d."logBytes"::text AS "logBytes", d."logTruncated", ${iso('d."logsPrunedAt"')} AS "logsPrunedAt",
       d."approvalsRequired", ${iso('d."approvalExpiresAt"')} AS "approvalExpiresAt", ${iso('d."approvedAt"')} AS "approvedAt",
       d."promotionOverrideReason", d."freezeOverrideReason",
       ${iso('d."createdAt"')} AS "createdAt", ${iso('d."startedAt"')} AS "startedAt", ${iso('d."finishedAt"')} AS "finishedAt",
       p."slug" AS "projectSlug", e."name" AS "environmentName", to_json(e."approverUserIds") AS "approverUserIds",
       e."settings" AS "environmentSettings", a."version" AS "artifactVersion", pa."version" AS "previousArtifactVersion",
       COALESCE((
         SELECT json_agg(json_build_object(
                  'id', t."id", 'deploymentId', t."deploymentId", 'targetId', t."targetId", 'targetName', t."targetName",
                  'batch', t."batch", 'state', t."state", 'startedAt', ${iso('t."startedAt"')},
                  'finishedAt', ${iso('t."finishedAt"')}, 'error', t."error", 'detail', t."detail", 'kind', tg."kind")
                ORDER BY t."batch", t."targetName")
           FROM "DeploymentTarget" t LEFT JOIN "Target" tg ON tg."id" = t."targetId"
          WHERE t."deploymentId" = d."id"), '[]') AS "targets",
       COALESCE((
         SELECT json_agg(json_build_object(
                  'id', ap."id", 'deploymentId', ap."deploymentId", 'userId', ap."userId", 'userLabel', ap."userLabel",
                  'decision', ap."decision", 'comment', ap."comment", 'at', ${iso('ap."at"')})
                ORDER BY ap."at", ap."id")
           FROM "DeploymentApproval" ap WHERE ap."deploymentId" = d."id"), '[]') AS "approvals"
  FROM "Deployment" d
  JOIN "Project" p ON p."id" = d."projectId"
  JOIN "Environment" e ON e."id" = d."environmentId"
  JOIN "Artifact" a ON a."id" = d."artifactId"
  LEFT JOIN "Artifact" pa ON pa."id" = d."previousArtifactId"
 WHERE d."id" = $1::uuid AND ($2::uuid IS NULL OR d."projectId" = $2::uuid)`;

const date = (s: string | null): Date | null => (s === null ? null : new Date(s));

interface TargetRow {
  id: string;
  deploymentId: string;
  targetId: string | null;
  targetName: string;
  batch: number;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  detail: unknown;
  kind: string | null;
}

interface ApprovalRow {
  id: string;
  deploymentId: string;
  userId: string;
  userLabel: string;
  decision: string;
  comment: string;
  at: string;
}

/** The deployment (only in `projectId` when given), or null when there is none. */
export async function loadDeploymentView(
  pool: Pool,
  id: string,
  projectId: string | null = null,
): Promise<DeploymentWithRelations | null> {
  const { rows } = await pool.query(SQL, [id, projectId]);
  const r = rows[0] as Record<string, unknown> | undefined;
  if (!r) return null;
  const targets = r.targets as TargetRow[];
  const approvals = r.approvals as ApprovalRow[];
  const d = {
    id: r.id,
    projectId: r.projectId,
    environmentId: r.environmentId,
    artifactId: r.artifactId,
    previousArtifactId: r.previousArtifactId,
    trigger: r.trigger,
    state: r.state,
    actorUserId: r.actorUserId,
    actorLabel: r.actorLabel,
    retryOfId: r.retryOfId,
    requestKey: r.requestKey,
    error: r.error,
    workerId: r.workerId,
    heartbeatAt: date(r.heartbeatAt as string | null),
    cancelRequestedAt: date(r.cancelRequestedAt as string | null),
    cancelRequestedBy: r.cancelRequestedBy,
    logBytes: BigInt(r.logBytes as string),
    logTruncated: r.logTruncated,
    logsPrunedAt: date(r.logsPrunedAt as string | null),
    approvalsRequired: r.approvalsRequired,
    approvalExpiresAt: date(r.approvalExpiresAt as string | null),
    approvedAt: date(r.approvedAt as string | null),
    promotionOverrideReason: r.promotionOverrideReason,
    freezeOverrideReason: r.freezeOverrideReason,
    createdAt: date(r.createdAt as string),
    startedAt: date(r.startedAt as string | null),
    finishedAt: date(r.finishedAt as string | null),
    project: { slug: r.projectSlug },
    environment: { name: r.environmentName, approverUserIds: r.approverUserIds, settings: r.environmentSettings },
    artifact: { version: r.artifactVersion },
    previousArtifact: r.previousArtifactVersion === null ? null : { version: r.previousArtifactVersion },
    targets: targets.map(({ kind, ...t }) => ({
      ...t,
      startedAt: date(t.startedAt),
      finishedAt: date(t.finishedAt),
      target: kind === null ? null : { kind },
    })),
    approvals: approvals.map((a) => ({ ...a, at: new Date(a.at) })),
  };
  return d as unknown as DeploymentWithRelations;
}
