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
