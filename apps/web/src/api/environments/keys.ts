import { projectKeys } from '../projects/keys';

export const environmentKeys = {
  list: (slug: string) => [...projectKeys.scope(slug), 'environments'] as const,
};
