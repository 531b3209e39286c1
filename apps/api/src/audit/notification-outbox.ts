// The notifications outbox: when an audit event is a release event, one pending delivery per
// matching subscription is inserted in the SAME transaction as the event. A release request
// that rolls back leaves nothing to send, and a committed event is never lost to a crash
// between "saved" and "queued"; the worker's relay picks the rows up (notification-relay).
// It lives with the audit trail (not in notifications/, which records audit events itself), so
// the two folders do not depend on each other.
import { releaseEventOf } from '@wharf/shared';
import type { Prisma } from '../generated/prisma/client.js';

export interface OutboxEntry {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  projectId?: string | null;
}

/**
 * One INSERT ... SELECT: the deployment row gives environment and trigger (a succeeded rollback
 * is "rolled_back"), the subscriptions' own columns filter by environment and event. A project
 * without subscriptions costs one index lookup and inserts nothing.
 */
export async function enqueueReleaseNotifications(
  tx: Prisma.TransactionClient,
  auditEventId: bigint,
  entry: OutboxEntry,
): Promise<void> {
  if (entry.subjectType !== 'deployment' || !entry.subjectId || !entry.projectId) return;
  const normal = releaseEventOf(entry.action, null);
  const rollback = releaseEventOf(entry.action, 'rollback');
  if (!normal && !rollback) return;
  await tx.$executeRaw`
    INSERT INTO "NotificationDelivery" ("id", "subscriptionId", "auditEventId", "event", "deploymentId", "state", "attempts", "createdAt")
    SELECT gen_random_uuid(), s."id", ${auditEventId}, e."event", d."id", 'pending'::"NotificationDeliveryState", 0, now()
      FROM "Deployment" d
     CROSS JOIN LATERAL (
       SELECT CASE WHEN d."trigger"::text = 'rollback' THEN ${rollback}::text ELSE ${normal}::text END AS "event"
     ) e
      JOIN "NotificationSubscription" s
        ON s."projectId" = d."projectId"
       AND s."enabled"
       AND (s."environmentId" IS NULL OR s."environmentId" = d."environmentId")
       AND e."event" = ANY (s."events")
     WHERE d."id" = ${entry.subjectId}::uuid AND d."projectId" = ${entry.projectId}::uuid
    ON CONFLICT ("subscriptionId", "auditEventId") DO NOTHING`;
}
