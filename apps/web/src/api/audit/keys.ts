import { projectKeys } from '../projects/keys';

export const auditKeys = {
  project: (slug: string, action: string) => [...projectKeys.scope(slug), 'audit', action] as const,
  global: (action: string) => ['audit', action] as const,
};
