import { projectKeys } from '../projects/keys';

export const releaseRuleKeys = {
  check: (slug: string, envId: string, version: string, rollback: boolean) =>
    [...projectKeys.scope(slug), 'release-check', envId, version, rollback] as const,
  checks: (slug: string) => [...projectKeys.scope(slug), 'release-check'] as const,
  freezeWindows: (slug: string) => [...projectKeys.scope(slug), 'freeze-windows'] as const,
};
