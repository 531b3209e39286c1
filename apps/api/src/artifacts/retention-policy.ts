// The retention rule itself, free of I/O: given a project's live versions (newest first),
// its settings and the protected versions, which versions a sweep deletes.
import type { RetentionSettings } from '@wharf/shared';

export interface LiveVersion {
  id: string;
  createdAt: Date;
  /** Latest deployment of this version in any state; null if never deployed. */
  lastDeployedAt: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `live` must be ordered newest first (createdAt, then id, descending: the list order).
 * Keeps the newest `keepNewest`, anything deployed in the last `keepDeployedDays` days and
 * every protected version; returns the rest, in the same order. Retention off → nothing.
 */
export function retentionCandidates<T extends LiveVersion>(
  live: readonly T[],
  settings: RetentionSettings,
  protectedIds: ReadonlySet<string>,
  now: Date,
): T[] {
  if (settings.keepNewest === null) return [];
  const deployedSince =
    settings.keepDeployedDays === null ? null : new Date(now.getTime() - settings.keepDeployedDays * DAY_MS);
  return live.slice(settings.keepNewest).filter((v) => {
    if (protectedIds.has(v.id)) return false;
    if (deployedSince && v.lastDeployedAt && v.lastDeployedAt >= deployedSince) return false;
    return true;
  });
}
