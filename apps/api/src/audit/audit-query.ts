// The audit list's filters as SQL, shared by the page and the CSV export. Raw SQL because the
// free-text search `q` must name the expression of its trigram index (AUDIT_SEARCH_TEXT), which
// Prisma's query builder cannot say; everything else maps to an indexed column.
import type { AuditFilter } from '@wharf/shared';
import { Prisma } from '../generated/prisma/client.js';

export type ScopedAuditFilter = AuditFilter & { projectId?: string };

/**
 * The detail fields `q` searches (reasons, versions, names and comments live in the details).
 * `q` matches any of them, or the action, actor or subject id, ignoring case.
 */
const DETAIL_KEYS = ['name', 'email', 'version', 'environment', 'error', 'reason', 'comment'] as const;

/**
 * Every searched field in one text, separated by U+001F (no one types it, so a match never spans
 * two fields): the expression of the index "AuditEvent_search_trgm_idx" (migration
 * 20261201084700_audit_trigram_search). Change both together, or `q` reads every event.
 */
export const AUDIT_SEARCH_TEXT = `("action" || E'\\x1f' || "actorLabel" || E'\\x1f' || coalesce("subjectId", '')${DETAIL_KEYS.map(
  (k) => ` || E'\\x1f' || coalesce("data" ->> '${k}', '')`,
).join('')})`;

/** `%text%` for LIKE, with LIKE's own wildcards in the text matched as themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/** A time from the filter (ISO 8601 with an offset) as the UTC timestamp the columns hold. */
const utc = (iso: string) => Prisma.sql`(${new Date(iso).toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

export function auditWhereSql(f: ScopedAuditFilter, cursor?: bigint): Prisma.Sql {
  const and: Prisma.Sql[] = [];
  if (f.projectId) and.push(Prisma.sql`"projectId" = ${f.projectId}::uuid`);
  if (f.action) {
    and.push(
      f.action.endsWith('.')
        ? Prisma.sql`"action" LIKE ${`${f.action.replace(/[\\%_]/g, '\\$&')}%`}`
        : Prisma.sql`"action" = ${f.action}`,
    );
  }
  if (f.actor) and.push(Prisma.sql`"actorLabel" ILIKE ${containsPattern(f.actor)}`);
  if (f.subjectType) and.push(Prisma.sql`"subjectType" = ${f.subjectType}`);
  if (f.subjectId) and.push(Prisma.sql`"subjectId" = ${f.subjectId}`);
  if (f.from) and.push(Prisma.sql`"at" >= ${utc(f.from)}`);
  if (f.to) and.push(Prisma.sql`"at" < ${utc(f.to)}`);
  if (f.q) {
    // One test on the indexed text: Postgres' statistics on that expression then let it choose
    // between the trigram index (a rare term) and reading newest-first until the page is full
    // (a common one).
    and.push(Prisma.sql`${Prisma.raw(AUDIT_SEARCH_TEXT)} ILIKE ${containsPattern(f.q)}`);
  }
  if (cursor !== undefined) and.push(Prisma.sql`"id" < ${cursor}`);
  return and.length ? Prisma.join(and, ' AND ') : Prisma.sql`TRUE`;
}
