import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  CreateNotificationBody,
  NotificationSubscriptionView,
  NotificationTestView,
  UpdateNotificationBody,
} from '@wharf/shared';
import { api, seg } from '../client';
import { notificationKeys } from './keys';

export function useCreateNotification(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateNotificationBody) =>
      api<NotificationSubscriptionView>(`/projects/${seg(slug)}/notifications`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.list(slug) }),
  });
}

export function useUpdateNotification(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateNotificationBody }) =>
      api<NotificationSubscriptionView>(`/projects/${seg(slug)}/notifications/${seg(id)}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.list(slug) }),
  });
}

export function useDeleteNotification(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/projects/${seg(slug)}/notifications/${seg(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.list(slug) }),
  });
}

/** Sends a test message now; the answer says what the receiver said. */
export function useTestNotification(slug: string) {
  return useMutation({
    mutationFn: (id: string) =>
      api<NotificationTestView>(`/projects/${seg(slug)}/notifications/${seg(id)}/test`, { method: 'POST' }),
  });
}
