import { projectKeys } from '../projects/keys';

export const memberKeys = {
  list: (slug: string) => [...projectKeys.scope(slug), 'members'] as const,
};
