// Safe production releases: the names every part agrees on. Gates (approval, promotion,
// freeze) run when a release is requested; each writes audit events with these actions,
// and notifications are sent for the release events below.
import { z } from 'zod';
import { safeText } from './validators.js';

/** Written reasons for overriding a gate, sent with a release request. */
export const releaseOverridesSchema = z.object({
  /** An admin releasing a version that has not succeeded in the promotion source. */
  promotionOverrideReason: safeText(500).min(3, 'write a reason of at least 3 characters').optional(),
  /** A maintainer releasing during a freeze window. */
  freezeOverrideReason: safeText(500).min(3, 'write a reason of at least 3 characters').optional(),
});
export type ReleaseOverrides = z.infer<typeof releaseOverridesSchema>;

/** Audit actions of the release lifecycle (besides deployment.requested/started/succeeded/...). */
export const RELEASE_AUDIT_ACTIONS = {
  /** The release needs approval; it waits without holding a lock. */
  awaitingApproval: 'deployment.awaiting_approval',
  /** One approver said yes (data: approvals so far, needed). */
  approvalAdded: 'deployment.approval_added',
  /** Enough approvals: the release is queued. */
  approved: 'deployment.approved',
  rejected: 'deployment.rejected',
  approvalExpired: 'deployment.approval_expired',
  /** Its requester (or a maintainer) withdrew it while it waited: nothing was released. */
  withdrawn: 'deployment.withdrawn',
  promotionOverridden: 'deployment.promotion_overridden',
  freezeOverridden: 'deployment.freeze_overridden',
} as const;

/** Release events people subscribe to (notifications). */
export const RELEASE_EVENTS = [
  'requested',
  'awaiting_approval',
  'approved',
  'rejected',
  'started',
  'succeeded',
  'failed',
  'rolled_back',
  'freeze_override',
] as const;
export type ReleaseEvent = (typeof RELEASE_EVENTS)[number];
