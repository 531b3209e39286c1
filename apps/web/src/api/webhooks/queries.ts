import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { AutoDeployRuleView, Page, WebhookDeliveryView, WebhookOutcome, WebhookSettingsView } from '@wharf/shared';
import { api, seg } from '../client';
import { webhookKeys } from './keys';

/** Outcomes a worker has not settled yet: the list is polled while one is shown. */
const UNSETTLED: readonly WebhookOutcome[] = ['pending', 'waiting'];
const POLL_MS = 5000;

export function useWebhookSettings(slug: string) {
  return useQuery({
    queryKey: webhookKeys.settings(slug),
    queryFn: ({ signal }) => api<WebhookSettingsView>(`/projects/${seg(slug)}/webhook`, { signal }),
  });
}

/** Newest first, one cursor page at a time; `outcome` null: all. */
export function useDeliveries(slug: string, outcome: WebhookOutcome | null, limit = 25) {
  return useInfiniteQuery({
    queryKey: webhookKeys.deliveries(slug, outcome, limit),
    queryFn: ({ pageParam, signal }) =>
      api<Page<WebhookDeliveryView>>(`/projects/${seg(slug)}/webhook/deliveries`, {
        query: { limit, cursor: pageParam, outcome },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.items.some((d) => UNSETTLED.includes(d.outcome))) ? POLL_MS : false,
  });
}

export function useAutoDeployRules(slug: string) {
  return useQuery({
    queryKey: webhookKeys.rules(slug),
    queryFn: ({ signal }) => api<AutoDeployRuleView[]>(`/projects/${seg(slug)}/auto-deploy-rules`, { signal }),
  });
}
