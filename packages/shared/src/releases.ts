// Release review: one row per deployment (who released what, where, when, from which version,
// approved by whom, with what result and log), the filters the Releases pages and their CSV
// export share, and an environment's log retention.
import { z } from 'zod';
import { timeIdCursorSchema } from './cursors.js';
import { DEPLOYMENT_STATES, DEPLOYMENT_TRIGGERS, type DeploymentState, type DeploymentTrigger } from './deployments.js';
import { safeText, slugSchema, versionSchema } from './validators.js';

export const releaseFilterSchema = z.object({
  environmentId: z.uuid('environmentId must be a UUID').optional(),
  /** Part of the requester's or an approver's label (email, token name). */
  actor: safeText(200).optional(),
  /** The result: the deployment's state. */
  state: z.enum(DEPLOYMENT_STATES).optional(),
  trigger: z.enum(DEPLOYMENT_TRIGGERS).optional(),
  /** Requested at or after this instant. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Requested before this instant. */
  to: z.iso.datetime({ offset: true }).optional(),
  /** The version released (or the one it replaced). */
  version: versionSchema.optional(),
  /** Free text over the error, the override reasons and the approval comments. */
  q: safeText(100).optional(),
});
export type ReleaseFilter = z.infer<typeof releaseFilterSchema>;

/** Admins, across projects: the same filters and one project's slug. */
export const adminReleaseFilterSchema = releaseFilterSchema.extend({
  project: slugSchema.optional(),
});
export type AdminReleaseFilter = z.infer<typeof adminReleaseFilterSchema>;

const paging = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: timeIdCursorSchema.optional(),
};
export const releaseQuerySchema = releaseFilterSchema.extend(paging);
export type ReleaseQuery = z.infer<typeof releaseQuerySchema>;
export const adminReleaseQuerySchema = adminReleaseFilterSchema.extend(paging);
export type AdminReleaseQuery = z.infer<typeof adminReleaseQuerySchema>;

export interface ReleaseApprovalView {
  user: string;
  decision: 'approved' | 'rejected';
  comment: string;
  at: string;
}

export interface ReleaseView {
  id: string;
  projectId: string;
  projectSlug: string;
  environmentId: string;
  environmentName: string;
  fromVersion: string | null;
  toVersion: string;
  /** Commit range: the replaced version's commit and the released one's, when CI recorded them. */
  fromCommit: string | null;
  toCommit: string | null;
  /**
   * Commits between the two, from the commits Wharf knows (null when they are not linked).
   * Negative for a rollback: that many commits taken away.
   */
  commitCount: number | null;
  requester: string;
  /** Who approved (approved decisions only), in order. */
  approvers: string[];
  /** Every decision, rejections included, with its comment. */
  approvals: ReleaseApprovalView[];
  trigger: DeploymentTrigger;
  state: DeploymentState;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  promotionOverrideReason: string | null;
  freezeOverrideReason: string | null;
  /** Set when log retention removed the log lines (the record stays). */
  logsPrunedAt: string | null;
  /** Dashboard path of the deployment page. */
  deploymentPath: string;
  /** API path of the plain-text log download. */
  logPath: string;
}

/** Log retention of an environment: null = default (protected: forever, else 90 days), 0 = forever. */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

export const logRetentionSchema = z.object({
  days: z
    .number({ error: 'days must be a whole number of days, 0 (forever) or null (default)' })
    .int('days must be a whole number of days')
    .min(0, 'days must be 0 (forever) or more')
    .max(36500, 'days must be at most 36500')
    .nullable(),
});
export type LogRetentionBody = z.infer<typeof logRetentionSchema>;

export interface LogRetentionView {
  environmentId: string;
  /** As set: null = default, 0 = forever, N = days. */
  days: number | null;
  /** What applies: days, or null for forever. */
  effectiveDays: number | null;
}

/** Days a finished release's log stays, or null for forever. */
export function effectiveLogRetentionDays(env: { protected: boolean; logRetentionDays: number | null }): number | null {
  if (env.logRetentionDays === null) return env.protected ? null : DEFAULT_LOG_RETENTION_DAYS;
  return env.logRetentionDays === 0 ? null : env.logRetentionDays;
}

/** One CSV row's cells, in the export's column order (the API writes them, tests read them). */
export const RELEASE_CSV_HEADER = [
  'id',
  'project',
  'environment',
  'from version',
  'to version',
  'from commit',
  'to commit',
  'commits',
  'requester',
  'approvers',
  'trigger',
  'result',
  'requested at',
  'started at',
  'finished at',
  'duration seconds',
  'error',
  'promotion override reason',
  'freeze override reason',
  'approval comments',
  'log removed at',
  'deployment',
  'log',
] as const;

export function releaseCsvCells(r: ReleaseView): (string | number | null)[] {
  return [
    r.id,
    r.projectSlug,
    r.environmentName,
    r.fromVersion,
    r.toVersion,
    r.fromCommit,
    r.toCommit,
    r.commitCount,
    r.requester,
    r.approvers.join('; '),
    r.trigger,
    r.state,
    r.requestedAt,
    r.startedAt,
    r.finishedAt,
    r.durationMs === null ? null : Math.round(r.durationMs / 1000),
    r.error,
    r.promotionOverrideReason,
    r.freezeOverrideReason,
    r.approvals
      .filter((a) => a.comment)
      .map((a) => `${a.user} (${a.decision}): ${a.comment}`)
      .join('; '),
    r.logsPrunedAt,
    r.deploymentPath,
    r.logPath,
  ];
}
