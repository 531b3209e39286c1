// Promotion rule and the release check the Release dialog shows before a release is asked for.
import { z } from 'zod';
import type { ActiveFreezeView } from './freeze-windows.js';
import { versionSchema } from './validators.js';

/** PUT environments/:envId/promotion-rule: the environment a version must have succeeded in first. */
export const promotionRuleSchema = z.object({
  /** Null: no rule, any version may be released here. */
  promoteFromEnvironmentId: z.uuid().nullable(),
});
export type PromotionRuleBody = z.infer<typeof promotionRuleSchema>;

export interface PromotionRuleView {
  environmentId: string;
  promoteFrom: { id: string; name: string } | null;
}

export const releaseCheckQuerySchema = z.object({
  /** The version about to be released; without it, promotion.met is null. */
  version: versionSchema.optional(),
  /** Checking a rollback: a version that already ran here passes the promotion rule. */
  rollback: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
export type ReleaseCheckQuery = z.infer<typeof releaseCheckQuerySchema>;

/** What stands between the caller and a release of `version` to this environment right now. */
export interface ReleaseCheckView {
  environmentId: string;
  version: string | null;
  promotion: {
    required: boolean;
    source: { id: string; name: string } | null;
    /** Null when no version was named. */
    met: boolean | null;
    /** Whether the caller may override a refusal (global admins only). */
    mayOverride: boolean;
  };
  freeze: { active: ActiveFreezeView | null; mayOverride: boolean };
  approvals: { required: number };
}
