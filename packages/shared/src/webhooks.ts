// GitLab webhooks, auto-deploy rules and changelogs: request bodies, queries and views shared
// by api, web and cli, plus the one ref-matching rule both the API and the dashboard apply.
import { z } from 'zod';
import { timeIdCursorSchema } from './cursors.js';
import { gitRefSchema, safeText, versionSchema } from './validators.js';

export const AUTO_DEPLOY_REF_TYPES = ['branch', 'tag'] as const;
export type AutoDeployRefType = (typeof AUTO_DEPLOY_REF_TYPES)[number];

/** push: deploy when the ref is pushed; pipeline: when GitLab's pipeline for that commit succeeds. */
export const AUTO_DEPLOY_EVENTS = ['push', 'pipeline'] as const;
export type AutoDeployEvent = (typeof AUTO_DEPLOY_EVENTS)[number];

/** What became of one environment's share of a delivery. */
export const AUTO_DEPLOY_STATES = [
  'waiting',
  'deployed',
  'superseded',
  'expired',
  'failed',
  'refused',
  'ignored',
  /** Held by a freeze window; runs when it ends. */
  'frozen',
] as const;
export type AutoDeployState = (typeof AUTO_DEPLOY_STATES)[number];

/** What became of a delivery as a whole (pending: recorded, not looked at by a worker yet). */
export const WEBHOOK_OUTCOMES = [
  'pending',
  'deployed',
  'waiting',
  'ignored',
  'superseded',
  'expired',
  'failed',
  'rejected',
  'frozen',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export const WEBHOOK_EVENT_KINDS = ['push', 'tag_push', 'pipeline', 'other'] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];

/** The project's endpoint, relative to Wharf's public URL. */
export function gitlabHookPath(projectSlug: string): string {
  return `/api/v1/hooks/gitlab/${projectSlug}`;
}

// --- rules --------------------------------------------------------------------------------

/**
 * Does a pushed ref match a rule? Branches match exactly (so `release-dev` matches neither
 * `release-dev-x` nor `feature/release-dev`); tag patterns are anchored, and `*` stands for
 * any run of characters except `/`.
 */
export function refMatchesPattern(refType: AutoDeployRefType, pattern: string, refName: string): boolean {
  if (refType === 'branch') return refName === pattern;
  const parts = pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]*')}$`).test(refName);
}

/** Why a rule's pattern is not acceptable, or null. */
export function rulePatternProblem(refType: AutoDeployRefType, pattern: string): string | null {
  if (refType === 'branch' && pattern.includes('*')) {
    return 'a branch rule names one exact branch; patterns with "*" are for tags';
  }
  // A tag pattern must be a valid ref once its wildcards are filled in.
  const filled = refType === 'tag' ? pattern.replaceAll('*', 'x') : pattern;
  const parsed = gitRefSchema.safeParse(filled);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? 'not a valid git ref';
  if (filled.startsWith('refs/')) return 'give the branch or tag name without refs/heads/ or refs/tags/';
  return null;
}

const ruleFields = {
  refType: z.enum(AUTO_DEPLOY_REF_TYPES),
  pattern: safeText(255).min(1, 'pattern is required'),
  event: z.enum(AUTO_DEPLOY_EVENTS).default('push'),
  /** How long a push waits for CI to push the artifact built from its commit. */
  waitForArtifactSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(1800),
};

function checkPattern(rule: { refType?: AutoDeployRefType; pattern?: string }, ctx: z.RefinementCtx): void {
  if (rule.refType === undefined || rule.pattern === undefined) return;
  const problem = rulePatternProblem(rule.refType, rule.pattern);
  if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
}

export const createAutoDeployRuleSchema = z.object(ruleFields).superRefine(checkPattern);
export type CreateAutoDeployRuleBody = z.infer<typeof createAutoDeployRuleSchema>;

/** Partial; the service checks the pattern again against the rule's resulting ref type. */
export const updateAutoDeployRuleSchema = z
  .object({
    refType: ruleFields.refType.optional(),
    pattern: ruleFields.pattern.optional(),
    event: z.enum(AUTO_DEPLOY_EVENTS).optional(),
    waitForArtifactSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional(),
  })
  .superRefine(checkPattern);
export type UpdateAutoDeployRuleBody = z.infer<typeof updateAutoDeployRuleSchema>;

export interface AutoDeployRuleView {
  id: string;
  environmentId: string;
  environmentName: string;
  /** A protected environment never auto-deploys; its rules stay but are refused. */
  environmentProtected: boolean;
  refType: AutoDeployRefType;
  pattern: string;
  event: AutoDeployEvent;
  waitForArtifactSeconds: number;
  createdAt: string;
  updatedAt: string;
}

// --- webhook settings and deliveries ------------------------------------------------------

export interface WebhookSettingsView {
  /** False until a maintainer generates the secret token. */
  configured: boolean;
  /** Path of the endpoint; GitLab needs Wharf's public URL in front of it. */
  path: string;
  /** The URL to paste into GitLab: WHARF_PUBLIC_URL followed by `path`. */
  url: string;
  tokenPrefix: string | null;
  createdAt: string | null;
  rotatedAt: string | null;
  lastDeliveryAt: string | null;
}

/** Returned once, when the token is generated or rotated: the only time it is visible. */
export interface CreatedWebhookTokenView extends WebhookSettingsView {
  token: string;
}

export interface AutoDeployView {
  environmentId: string;
  environmentName: string;
  state: AutoDeployState;
  reason: string;
  sha: string | null;
  deploymentId: string | null;
  /** While waiting for an artifact: when the wait gives up. */
  expiresAt: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  receivedAt: string;
  processedAt: string | null;
  /** X-Gitlab-Event as sent, e.g. "Push Hook". */
  event: string;
  kind: WebhookEventKind;
  ref: string | null;
  sha: string | null;
  /** The GitLab user who pushed or ran the pipeline. */
  actor: string | null;
  idempotencyKey: string;
  eventUuid: string | null;
  outcome: WebhookOutcome;
  /** In words: why it did or did not deploy. */
  reason: string | null;
  /** The first deployment it created, if any. */
  deploymentId: string | null;
  environments: AutoDeployView[];
}

export const deliveryListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page: (receivedAt, id) of its last delivery. */
  cursor: timeIdCursorSchema.optional(),
  outcome: z.enum(WEBHOOK_OUTCOMES).optional(),
});
export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;

/** What the endpoint answers GitLab (202 accepted, 200 duplicate). */
export interface WebhookAckView {
  status: 'accepted' | 'duplicate';
  deliveryId: string;
}

// --- commits and changelog ----------------------------------------------------------------

export interface CommitView {
  sha: string;
  title: string;
  authorName: string | null;
  authoredAt: string | null;
  url: string | null;
}

export const changelogQuerySchema = z.object({
  environmentId: z.uuid('environmentId must be a UUID'),
  version: versionSchema,
  /**
   * Compare with this version instead of what the environment runs now (a deployment's page
   * shows what it changed: from its previousVersion to its version).
   */
  from: versionSchema.optional(),
});
export type ChangelogQuery = z.infer<typeof changelogQuerySchema>;

export const CHANGELOG_DIRECTIONS = ['forward', 'rollback', 'same', 'unknown'] as const;
export type ChangelogDirection = (typeof CHANGELOG_DIRECTIONS)[number];

export interface ChangelogView {
  environmentId: string;
  /** What the environment runs now (its latest succeeded deployment), or null. */
  running: { version: string; commitSha: string | null } | null;
  target: { version: string; commitSha: string | null };
  /**
   * forward: the target is newer (commits = what it adds); rollback: older (commits = what it
   * takes away); same: the same version or commit; unknown: Wharf cannot tell.
   */
  direction: ChangelogDirection;
  /** Newest first. */
  commits: CommitView[];
  /** False when the two commits could not be linked through known commits (list may be partial). */
  complete: boolean;
}
