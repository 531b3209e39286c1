import { projectKeys } from '../projects/keys';

export const credentialKeys = {
  list: (slug: string) => [...projectKeys.scope(slug), 'credentials'] as const,
};
