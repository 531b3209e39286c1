import type { DeploymentListQuery } from '@wharf/shared';
import { projectKeys } from '../projects/keys';

/** History filters as the list endpoint takes them (limit and cursor are paging, not filters). */
export type DeploymentFilters = Partial<Pick<DeploymentListQuery, 'environmentId' | 'state' | 'trigger' | 'version'>>;

export const deploymentKeys = {
  all: (slug: string) => [...projectKeys.scope(slug), 'deployments'] as const,
  lists: (slug: string) => [...deploymentKeys.all(slug), 'list'] as const,
  list: (slug: string, filters: DeploymentFilters, limit: number) =>
    [...deploymentKeys.lists(slug), filters, limit] as const,
  detail: (slug: string, id: string) => [...deploymentKeys.all(slug), 'detail', id] as const,
  /** What each environment runs now, and what is in flight. */
  environmentStatus: (slug: string) => [...projectKeys.scope(slug), 'environment-status'] as const,
};
