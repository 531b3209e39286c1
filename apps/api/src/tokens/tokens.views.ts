import { isApiTokenScope, type ApiTokenView } from '@wharf/shared';
import type { ApiToken } from '../generated/prisma/client.js';

/** Lists show the prefix only; the token itself is returned once, at creation. */
export function toApiTokenView(
  t: Pick<ApiToken, 'id' | 'name' | 'prefix' | 'scopes' | 'environmentIds' | 'createdAt' | 'lastUsedAt' | 'revokedAt'>,
): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: (t.scopes ?? []).filter(isApiTokenScope),
    environmentIds: t.environmentIds ?? [],
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}
