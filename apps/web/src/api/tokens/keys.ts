import { projectKeys } from '../projects/keys';

export const tokenKeys = {
  list: (slug: string) => [...projectKeys.scope(slug), 'tokens'] as const,
};
