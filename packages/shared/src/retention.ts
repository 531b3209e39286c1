// Artifact retention and deletion: the project's retention settings, what a sweep would
// delete, and storage used. A deleted version keeps its record; only its file goes.
import { z } from 'zod';

export const ARTIFACT_DELETE_REASONS = ['manual', 'retention'] as const;
export type ArtifactDeleteReason = (typeof ARTIFACT_DELETE_REASONS)[number];

/** Upper bounds are sanity limits, not product limits. */
export const RETENTION_MAX_KEEP_NEWEST = 10_000;
export const RETENTION_MAX_KEEP_DEPLOYED_DAYS = 3650;

const keepNewestSchema = z.number().int().min(1).max(RETENTION_MAX_KEEP_NEWEST);
const keepDeployedDaysSchema = z.number().int().min(1).max(RETENTION_MAX_KEEP_DEPLOYED_DAYS);

function ageRuleNeedsKeepNewest(
  s: { keepNewest: number | null; keepDeployedDays: number | null },
  ctx: z.RefinementCtx,
): void {
  // An age rule alone would delete a version pushed a minute ago and not yet deployed.
  if (s.keepNewest === null && s.keepDeployedDays !== null) {
    ctx.addIssue({
      code: 'custom',
      path: ['keepDeployedDays'],
      message: 'set keepNewest to turn retention on; keepDeployedDays only keeps more',
    });
  }
}

/**
 * keepNewest: keep this many newest live versions; null turns retention off (keep all).
 * keepDeployedDays: also keep versions deployed in the last M days; null: no age rule.
 * Whatever the settings, a sweep never deletes what an environment runs, is deploying, or
 * would roll back to.
 */
export const retentionSettingsSchema = z
  .object({
    keepNewest: keepNewestSchema.nullable(),
    keepDeployedDays: keepDeployedDaysSchema.nullable(),
  })
  .strict()
  .superRefine(ageRuleNeedsKeepNewest);
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/** The same settings as query parameters (preview before saving); absent or empty = null. */
const optionalCount = (inner: z.ZodNumber) =>
  z.preprocess((v) => (v === undefined || v === '' ? null : v), z.coerce.number().pipe(inner).nullable());
export const retentionPreviewQuerySchema = z
  .object({
    keepNewest: optionalCount(keepNewestSchema),
    keepDeployedDays: optionalCount(keepDeployedDaysSchema),
  })
  .superRefine(ageRuleNeedsKeepNewest);
export type RetentionPreviewQuery = z.infer<typeof retentionPreviewQuerySchema>;

/** Why a version cannot be deleted now: an environment runs it, is deploying it, or would roll back to it. */
export interface ArtifactProtectionView {
  kind: 'current' | 'rollback' | 'deploying';
  environment: string;
}

export interface ArtifactDeletionView {
  at: string;
  /** Email of the maintainer who deleted it; null when retention did. */
  by: string | null;
  reason: ArtifactDeleteReason;
}

export interface ArtifactUsageView {
  /** Versions not deleted (tarballs and images). */
  liveCount: number;
  deletedCount: number;
  /** Sum of the live tarballs' sizes. */
  liveBytes: number;
  /** Bytes on disk: live tarballs with identical content are stored once. */
  storedBytes: number;
}

export interface ArtifactRetentionView {
  settings: RetentionSettings;
  usage: ArtifactUsageView;
}

export interface RetentionCandidateView {
  version: string;
  kind: 'tarball' | 'image';
  sizeBytes: number | null;
  createdAt: string;
  /** Last deployment of this version (any outcome), if any. */
  lastDeployedAt: string | null;
}

/** What a sweep with these settings would delete now. */
export interface RetentionPreviewView {
  settings: RetentionSettings;
  delete: RetentionCandidateView[];
  /** Live versions that stay. */
  keptCount: number;
  /** Live versions an environment runs, is deploying or would roll back to: never deleted. */
  protected: { version: string; reasons: ArtifactProtectionView[] }[];
  /** Disk space the sweep would free (content shared with a kept version is not freed). */
  freedBytes: number;
}

/** Result of saving settings: the sweep that ran right after. */
export interface RetentionUpdateView extends ArtifactRetentionView {
  deleted: string[];
}
