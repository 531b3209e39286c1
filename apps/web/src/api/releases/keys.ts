import type { AdminReleaseFilter } from '@wharf/shared';
import { projectKeys } from '../projects/keys';

export const releaseKeys = {
  filtered: (slug: string | null, filter: AdminReleaseFilter) =>
    slug ? ([...projectKeys.scope(slug), 'releases', filter] as const) : (['releases', filter] as const),
};
