import type { EnvironmentView } from '@wharf/shared';
import type { Environment } from '../generated/prisma/client.js';

export function toEnvironmentView(e: Environment): EnvironmentView {
  return {
    id: e.id,
    name: e.name,
    position: e.position,
    protected: e.protected,
    createdAt: e.createdAt.toISOString(),
    logRetentionDays: e.logRetentionDays,
    promoteFromId: e.promoteFromId,
    approvalRule: {
      approvalsRequired: e.approvalsRequired,
      approverUserIds: e.approverUserIds,
      approvalTtlMinutes: e.approvalTtlMinutes,
    },
  };
}
