import { projectKeys } from '../projects/keys';

export const changelogKeys = {
  one: (slug: string, environmentId: string, version: string, from: string | null) =>
    [...projectKeys.scope(slug), 'changelog', environmentId, version, from] as const,
};
