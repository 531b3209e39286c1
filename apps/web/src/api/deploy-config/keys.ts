import { environmentKeys } from '../environments/keys';

export const deployConfigKeys = {
  settings: (slug: string, envId: string) => [...environmentKeys.list(slug), envId, 'settings'] as const,
};
