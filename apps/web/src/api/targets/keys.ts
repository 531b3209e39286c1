import { projectKeys } from '../projects/keys';

export const targetKeys = {
  all: (slug: string) => [...projectKeys.scope(slug), 'targets'] as const,
  list: (slug: string, environmentId?: string) => [...targetKeys.all(slug), environmentId ?? 'all'] as const,
};
