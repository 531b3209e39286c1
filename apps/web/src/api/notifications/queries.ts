import { useQuery } from '@tanstack/react-query';
import type { NotificationDeliveryView, NotificationSubscriptionView } from '@wharf/shared';
import { api, seg } from '../client';
import { notificationKeys } from './keys';

const POLL_MS = 5000;

export function useNotifications(slug: string) {
  return useQuery({
    queryKey: notificationKeys.list(slug),
    queryFn: ({ signal }) => api<NotificationSubscriptionView[]>(`/projects/${seg(slug)}/notifications`, { signal }),
  });
}

/** Recent deliveries; polled while one is still pending (being sent or retried). */
export function useNotificationDeliveries(slug: string, id: string) {
  return useQuery({
    queryKey: notificationKeys.deliveries(slug, id),
    queryFn: ({ signal }) =>
      api<NotificationDeliveryView[]>(`/projects/${seg(slug)}/notifications/${seg(id)}/deliveries`, { signal }),
    refetchInterval: (q) => (q.state.data?.some((d) => d.state === 'pending') ? POLL_MS : false),
  });
}
