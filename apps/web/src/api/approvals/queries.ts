import { useQuery } from '@tanstack/react-query';
import type { DeploymentView } from '@wharf/shared';
import { api } from '../client';
import { approvalKeys } from './keys';

/** Polled: new requests arrive from other people, and waiting ones expire. */
const QUEUE_POLL_MS = 30_000;

export function useApprovalQueue() {
  return useQuery({
    queryKey: approvalKeys.queue(),
    queryFn: ({ signal }) => api<DeploymentView[]>('/approvals', { signal }),
    refetchInterval: QUEUE_POLL_MS,
  });
}

/** The signed-in person's own releases waiting for approval (they may withdraw them). */
export function useRequestedApprovals() {
  return useQuery({
    queryKey: approvalKeys.requested(),
    queryFn: ({ signal }) => api<DeploymentView[]>('/approvals/requested', { signal }),
    refetchInterval: QUEUE_POLL_MS,
  });
}
