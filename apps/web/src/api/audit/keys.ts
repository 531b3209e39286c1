import type { AuditFilter } from '@wharf/shared';
import { projectKeys } from '../projects/keys';

export const auditKeys = {
  filtered: (slug: string | null, filter: AuditFilter) =>
    slug ? ([...projectKeys.scope(slug), 'audit', filter] as const) : (['audit', filter] as const),
};
