import { useQuery } from '@tanstack/react-query';
import type { ChangelogView } from '@wharf/shared';
import { api, seg } from '../client';
import { changelogKeys } from './keys';

/**
 * Commits between what `environmentId` runs (or `from`, when given) and `version`, and which
 * way that goes. Disabled until both are known.
 */
export function useChangelog(
  slug: string,
  environmentId: string | null,
  version: string | null,
  opts: { from?: string | null } = {},
) {
  const from = opts.from ?? null;
  return useQuery({
    queryKey: changelogKeys.one(slug, environmentId ?? '', version ?? '', from),
    queryFn: ({ signal }) =>
      api<ChangelogView>(`/projects/${seg(slug)}/changelog`, {
        query: { environmentId, version, from },
        signal,
      }),
    enabled: !!environmentId && !!version,
  });
}
