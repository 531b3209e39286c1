import { projectKeys } from '../projects/keys';

export const artifactKeys = {
  all: (slug: string) => [...projectKeys.scope(slug), 'artifacts'] as const,
  list: (slug: string, limit: number) => [...artifactKeys.all(slug), 'list', limit] as const,
};
