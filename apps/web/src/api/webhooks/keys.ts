import type { WebhookOutcome } from '@wharf/shared';
import { projectKeys } from '../projects/keys';

export const webhookKeys = {
  all: (slug: string) => [...projectKeys.scope(slug), 'webhook'] as const,
  settings: (slug: string) => [...webhookKeys.all(slug), 'settings'] as const,
  deliveries: (slug: string, outcome: WebhookOutcome | null, limit: number) =>
    [...webhookKeys.all(slug), 'deliveries', outcome, limit] as const,
  rules: (slug: string) => [...webhookKeys.all(slug), 'rules'] as const,
};
