// Releases: deployment requests, views, and log lines (deploy settings: deploy-settings.ts).
import { z } from 'zod';
import { timeIdCursorSchema } from './cursors.js';
import { releaseOverridesSchema } from './release-policy.js';
import type { DeploymentApprovalView } from './approvals.js';
import type { TargetDetail } from './target-detail.js';
import type { ReleaseStrategy } from './release-strategy.js';
import { safeText, sshFingerprintSchema, versionSchema } from './validators.js';

/**
 * `Idempotency-Key` of POST /deployments: the same key (per project) gets the same deployment
 * back instead of a second one, so a client may repeat a request whose answer it lost.
 */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,200}$/, 'Idempotency-Key must be 8-200 letters, digits or . _ : -');

export const createDeploymentSchema = z
  .object({
    environmentId: z.uuid(),
    version: versionSchema,
    /** On a protected environment: the environment's name, typed by the person. */
    confirm: safeText(100).optional(),
  })
  .extend(releaseOverridesSchema.shape);
export type CreateDeploymentBody = z.infer<typeof createDeploymentSchema>;

export const confirmSchema = z.object({ confirm: safeText(100).optional() });
export type ConfirmBody = z.infer<typeof confirmSchema>;

/** Rollback and retry: the typed confirmation plus any gate override reasons. */
export const releaseActionSchema = confirmSchema.extend(releaseOverridesSchema.shape);
export type ReleaseActionBody = z.infer<typeof releaseActionSchema>;

export const DEPLOYMENT_STATES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  /** Needs approval before it is queued; holds no lock meanwhile. */
  'awaiting_approval',
  /** An approver said no. */
  'rejected',
  /** Not approved in time. */
  'expired',
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];
export const DEPLOYMENT_TRIGGERS = ['manual', 'rollback', 'cli', 'webhook'] as const;
export type DeploymentTrigger = (typeof DEPLOYMENT_TRIGGERS)[number];
export type DeploymentTargetState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export const deploymentListQuerySchema = z.object({
  environmentId: z.uuid().optional(),
  state: z.enum(DEPLOYMENT_STATES).optional(),
  trigger: z.enum(DEPLOYMENT_TRIGGERS).optional(),
  version: versionSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: timeIdCursorSchema.optional(),
});
export type DeploymentListQuery = z.infer<typeof deploymentListQuerySchema>;

export interface DeploymentTargetView {
  targetId: string | null;
  targetName: string;
  batch: number;
  state: DeploymentTargetState;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** Kubernetes rollout or rolling-restart instances; null for an SSH release. */
  detail: TargetDetail | null;
}

export interface DeploymentView {
  id: string;
  projectSlug: string;
  environmentId: string;
  environmentName: string;
  version: string;
  previousVersion: string | null;
  trigger: DeploymentTrigger;
  state: DeploymentState;
  actor: string;
  error: string | null;
  retryOfId: string | null;
  cancelRequested: boolean;
  logTruncated: boolean;
  /** When log retention removed the log lines (the record stays); null while the log is kept. */
  logsPrunedAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  targets: DeploymentTargetView[];
  /**
   * The release strategy the worker chose or will choose (the environment's settings and the
   * kind most of the targets have); null when none of its targets exists any more.
   */
  strategy: ReleaseStrategy | null;
  /** Approvals this release needs and has; null when it needed none. */
  approval: DeploymentApprovalView | null;
  /** Written reasons when the requester overrode the promotion rule or a freeze window. */
  promotionOverrideReason: string | null;
  freezeOverrideReason: string | null;
}

/** What an environment runs now (its latest succeeded deployment). */
export interface EnvironmentStatusView {
  environmentId: string;
  environmentName: string;
  protected: boolean;
  current: { version: string; deploymentId: string; finishedAt: string; actor: string } | null;
  active: { deploymentId: string; version: string; state: DeploymentState } | null;
}

export const LOG_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type LogStreamName = (typeof LOG_STREAMS)[number];

/** One log line, as stored, streamed and downloaded. seq is dense per deployment from 1. */
export interface LogLineView {
  seq: number;
  targetId: string | null;
  stream: LogStreamName;
  at: string;
  text: string;
}

const SEQ_MAX = 2_147_483_647; // seq is an int4 column

export const logQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).max(SEQ_MAX).default(0),
  /**
   * Page backwards: the last `limit` lines with afterSeq < seq < before, still in seq order.
   * `end` is the tail of the log (a finished log opens at its end, however long it is).
   */
  before: z
    .union([z.literal('end'), z.coerce.number().int('before must be a seq or "end"').min(1).max(SEQ_MAX)])
    .optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
export type LogQuery = z.infer<typeof logQuerySchema>;

/** Server-side search over one deployment's stored log (for logs too big for the browser). */
export const logSearchQuerySchema = z.object({
  /** Case-insensitive substring of a line's text. */
  q: safeText(200, { min: 1 }).refine((q) => q.trim() !== '', 'must not be blank'),
  /** Matches after this seq (paging: pass the previous answer's nextAfterSeq). */
  afterSeq: z.coerce.number().int().min(0).max(SEQ_MAX).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type LogSearchQuery = z.infer<typeof logSearchQuerySchema>;

export interface LogSearchResult {
  /** Matching lines in seq order. */
  lines: LogLineView[];
  /** Ask again with afterSeq = this for more matches; null when there are no more. */
  nextAfterSeq: number | null;
}

/** Approving a host key: the fingerprint the person saw in "Test connection". */
export const approveHostKeySchema = z.object({
  fingerprint: sshFingerprintSchema,
});
export type ApproveHostKeyBody = z.infer<typeof approveHostKeySchema>;
