import { projectKeys } from '../projects/keys';

export const notificationKeys = {
  all: (slug: string) => [...projectKeys.scope(slug), 'notifications'] as const,
  list: (slug: string) => [...notificationKeys.all(slug), 'list'] as const,
  deliveries: (slug: string, id: string) => [...notificationKeys.all(slug), 'deliveries', id] as const,
};
