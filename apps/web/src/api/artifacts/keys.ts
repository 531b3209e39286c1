import type { RetentionSettings } from '@wharf/shared';
import { projectKeys } from '../projects/keys';

export const artifactKeys = {
  all: (slug: string) => [...projectKeys.scope(slug), 'artifacts'] as const,
  list: (slug: string, limit: number) => [...artifactKeys.all(slug), 'list', limit] as const,
  /** Retention settings and storage used. */
  retention: (slug: string) => [...artifactKeys.all(slug), 'retention'] as const,
  retentionPreview: (slug: string, s: RetentionSettings) =>
    [...artifactKeys.all(slug), 'retention-preview', s.keepNewest, s.keepDeployedDays] as const,
};
