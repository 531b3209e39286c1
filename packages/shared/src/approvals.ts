// Approvals: an environment's rule (how many distinct people, who, for how long a request
// waits) and the approve/reject requests. The rule is checked again on the server against the
// project's members; the shapes here are what the API accepts and returns.
import { z } from 'zod';
import { safeText } from './validators.js';

export const APPROVAL_TTL_MINUTES = { min: 5, max: 43_200, default: 1440 } as const;
export const MAX_APPROVALS_REQUIRED = 10;

export const approvalRuleSchema = z
  .object({
    /** 0: no approval; n: that many distinct approvers, never the requester. */
    approvalsRequired: z.number().int().min(0).max(MAX_APPROVALS_REQUIRED),
    /** Who may approve: empty means the project's maintainers (and global admins). */
    approverUserIds: z
      .array(z.uuid('approverUserIds must hold user ids'))
      .max(50, 'name at most 50 approvers')
      .default([])
      .refine((ids) => new Set(ids).size === ids.length, 'approverUserIds names someone twice'),
    /** A waiting release expires after this many minutes (5 minutes to 30 days). */
    approvalTtlMinutes: z
      .number()
      .int()
      .min(APPROVAL_TTL_MINUTES.min, `approvalTtlMinutes must be at least ${APPROVAL_TTL_MINUTES.min}`)
      .max(APPROVAL_TTL_MINUTES.max, `approvalTtlMinutes must be at most ${APPROVAL_TTL_MINUTES.max} (30 days)`)
      .default(APPROVAL_TTL_MINUTES.default),
  })
  .superRefine((rule, ctx) => {
    // Named approvers must be able to reach the number on their own.
    if (rule.approverUserIds.length > 0 && rule.approverUserIds.length < rule.approvalsRequired) {
      ctx.addIssue({
        code: 'custom',
        path: ['approverUserIds'],
        message: `name at least ${rule.approvalsRequired} approvers for ${rule.approvalsRequired} approvals`,
      });
    }
  });
export type ApprovalRuleBody = z.input<typeof approvalRuleSchema>;
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;

/** An environment's rule as the API shows it (the dashboard names approvers from the members list). */
export interface ApprovalRuleView {
  approvalsRequired: number;
  /** Empty: the project's maintainers and global admins approve. */
  approverUserIds: string[];
  approvalTtlMinutes: number;
}

export const approveSchema = z.object({
  comment: safeText(1000).default(''),
});
export type ApproveBody = z.input<typeof approveSchema>;

export const rejectSchema = z.object({
  comment: safeText(1000, { min: 3 }).refine((c) => c.trim().length >= 3, 'say why (at least 3 characters)'),
});
export type RejectBody = z.infer<typeof rejectSchema>;

export const APPROVAL_DECISIONS = ['approved', 'rejected'] as const;
export type ApprovalDecisionName = (typeof APPROVAL_DECISIONS)[number];

export interface ApprovalDecisionView {
  userId: string;
  /** The person's email when they decided. */
  user: string;
  decision: ApprovalDecisionName;
  comment: string;
  at: string;
}

/** A release's approval state; null on a release that needed none. */
export interface DeploymentApprovalView {
  required: number;
  /** Approvals so far. */
  received: number;
  expiresAt: string | null;
  approvedAt: string | null;
  /** Who asked for the release (never an approver of it); null for tokens and webhooks. */
  requesterUserId: string | null;
  /** Who may approve: these users, or (empty) the project's maintainers and global admins. */
  approverUserIds: string[];
  decisions: ApprovalDecisionView[];
}

/**
 * Whether `me` may decide on a release waiting for approval, and why not. The server decides
 * for real; the dashboard uses this to explain a hidden button.
 */
export function approvalBlocker(
  approval: DeploymentApprovalView,
  me: { id: string; isAdmin: boolean; roleInProject: 'viewer' | 'deployer' | 'maintainer' | null },
): 'requester' | 'decided' | 'not_approver' | null {
  if (approval.requesterUserId === me.id) return 'requester';
  if (approval.decisions.some((d) => d.userId === me.id)) return 'decided';
  const allowed =
    approval.approverUserIds.length > 0
      ? approval.approverUserIds.includes(me.id)
      : me.isAdmin || me.roleInProject === 'maintainer';
  return allowed ? null : 'not_approver';
}
