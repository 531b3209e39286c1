import type { CredentialView } from '@wharf/shared';
import type { Credential } from '../generated/prisma/client.js';

/** The only shape a credential ever leaves the API in: no secret, no sealed bytes. */
export function toCredentialView(
  c: Pick<Credential, 'id' | 'name' | 'kind' | 'fingerprint' | 'allowedOrigins' | 'createdAt' | 'rotatedAt'>,
): CredentialView {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    fingerprint: c.fingerprint,
    allowedOrigins: c.allowedOrigins,
    createdAt: c.createdAt.toISOString(),
    rotatedAt: c.rotatedAt?.toISOString() ?? null,
  };
}
