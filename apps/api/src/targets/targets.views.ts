import type { TargetView } from '@wharf/shared';
import type { Target } from '../generated/prisma/client.js';

export function toTargetView(t: Target): TargetView {
  return {
    id: t.id,
    environmentId: t.environmentId,
    name: t.name,
    kind: t.kind,
    config: t.config as Record<string, unknown>,
    credentialId: t.credentialId,
    hostKey:
      t.hostKeyFingerprint && t.hostKeyApprovedAt
        ? { fingerprint: t.hostKeyFingerprint, approvedAt: t.hostKeyApprovedAt.toISOString() }
        : null,
    createdAt: t.createdAt.toISOString(),
  };
}
