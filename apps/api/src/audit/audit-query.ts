// The audit list's filters as SQL, shared by the page and the CSV export. Raw SQL because the
// free-text search `q` must name the expressions of its trigram indexes (AUDIT_SEARCH_TEXT,
// AUDIT_SEARCH_FOLDED, AUDIT_SEARCH_TRIPLED), which Prisma's query builder cannot say; the
// actor filter is the labels actorLabelsSql found; everything else maps to an indexed column.
import type { AuditFilter } from '@wharf/shared';
import { containsPattern, escapeLike } from '../common/like-pattern.js';
import { Prisma } from '../generated/prisma/client.js';

export type ScopedAuditFilter = AuditFilter & { projectId?: string };

/** The filter with the actor's matching labels looked up (actorLabelsSql), once per request. */
export type ResolvedAuditFilter = ScopedAuditFilter & { actorLabels?: string[] };

/**
 * The distinct actor labels that contain `actor` (ILIKE, wildcards literal): one descent of
 * "AuditEvent_actorLabel_id_idx" per distinct label (a loose index scan), then the same test
 * the filter made on every event, made once per label. The events are then those whose label
 * is one of these: the same events, found through the b-tree (exact statistics, and cheap
 * beside another filter) instead of the trigram index, which reads nearly all of itself for
 * an email (`bench`, `local`: words every label has).
 */
export function actorLabelsSql(actor: string): Prisma.Sql {
  return Prisma.sql`
    WITH RECURSIVE labels(label) AS (
      (SELECT "actorLabel" FROM "AuditEvent" ORDER BY "actorLabel" LIMIT 1)
      UNION ALL
      SELECT (SELECT "actorLabel" FROM "AuditEvent" WHERE "actorLabel" > labels.label ORDER BY "actorLabel" LIMIT 1)
        FROM labels WHERE labels.label IS NOT NULL
    )
    SELECT label FROM labels WHERE label ILIKE ${containsPattern(actor)}`;
}

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

/**
 * Punctuation `q` often holds (versions, emails, host names, paths, ids), and LIKE's wildcards
 * and escape. pg_trgm splits words at punctuation, so `1.0.42` is the words 1, 0 and 42, which
 * nearly every event has; folded to `1x0x42` it is one word whose trigrams are rare.
 */
const FOLDED_CHARS = [' ', '.', '-', '_', '@', ':', '/', '+', ',', '%', '\\'] as const;

/**
 * Folding in SQL is `FOLD_BEFORE <text> FOLD_AFTER`: `lower(text)` with every FOLDED_CHARS
 * character replaced by `x`, one character for one, so whenever `lower(q)` is a substring of
 * `lower(text)`, fold(q) is a substring of fold(text). (Nested `replace`: a quarter of one
 * `regexp_replace`'s cost per row, which every recheck of the index pays.)
 */
const FOLD_BEFORE = `${'replace('.repeat(FOLDED_CHARS.length)}lower(`;
const FOLD_AFTER = `)${FOLDED_CHARS.map((c) => `, ${c === '\\' ? `E'\\\\'` : `'${c}'`}, 'x')`).join('')}`;

/**
 * AUDIT_SEARCH_TEXT folded: the expression of the index "AuditEvent_search_folded_trgm_idx"
 * (migration 20261201113000_audit_search_folded). Change both together.
 */
export const AUDIT_SEARCH_FOLDED = `${FOLD_BEFORE}${AUDIT_SEARCH_TEXT}${FOLD_AFTER}`;

/** Around a text expression (the searched text, or `q`): lowered, each character three times. */
const TRIPLE_BEFORE = 'regexp_replace(lower(';
const TRIPLE_AFTER = "), '(.)', '\\1\\1\\1', 'g')";

/**
 * AUDIT_SEARCH_TEXT lowered, with every character written three times: the expression of the
 * index "AuditEvent_search_tripled_trgm_idx" (migration 20261201150000_audit_short_terms_and_actor_labels).
 * Change both together. Its trigrams are each character (`aaa`) and each pair of adjacent
 * characters (`aab`, `abb`) of a word, so a one- or two-character term, which has no trigram of
 * its own, has some here. (Not the folded text: there `x` stands for punctuation too, so every
 * event would have `xxx` and a short term holding an `x` would be found in nearly all.)
 */
export const AUDIT_SEARCH_TRIPLED = `${TRIPLE_BEFORE}${AUDIT_SEARCH_TEXT}${TRIPLE_AFTER}`;

/**
 * Characters a short `q` may hold to go through the tripled index: ASCII letters and digits,
 * and letters and decimal digits without case (CJK, kana, digits of any script). pg_trgm counts
 * them as word characters (punctuation would split the term), and every collation lowers them
 * one character at a time, so `strpos(lower(text), lower(q)) <> 0` is exactly ILIKE's test.
 */
const SHORT_TERM = /^(?:[A-Za-z0-9]|\p{Lo}|\p{Nd})+$/u;

/** Whether `q` goes through the tripled index: one or two characters (no trigram of its own). */
export function searchesShort(q: string): boolean {
  const length = [...q].length;
  return length >= 1 && length <= 2 && SHORT_TERM.test(q);
}

/**
 * Whether `q` goes through the folded index: it holds a folded character (else the plain index
 * is as good), is long enough for a trigram, and is ASCII, which every collation lowers one
 * character at a time, so the test in searchSql is exactly ILIKE's.
 */
export function searchesFolded(q: string): boolean {
  return q.length >= 3 && /^\p{ASCII}*$/u.test(q) && FOLDED_CHARS.some((c) => q.includes(c));
}

/**
 * `q` over the searched fields: `ILIKE '%q%'` (ignoring case, LIKE's wildcards literal). A
 * punctuated `q` is the same test written `strpos(lower(text), lower(q)) <> 0`, plus the folded
 * text's `LIKE '%fold(q)%'`, which every matching event passes and the folded index answers.
 * Two ILIKE-like tests would each be estimated from statistics and the estimates multiplied (a
 * 1-in-200 term then looks 1 in 40,000, so the planner reads all its matches to sort them);
 * `strpos(...) <> 0` has no statistics (estimated ~1), so the folded test alone sets the estimate.
 */
function searchSql(q: string): Prisma.Sql {
  if (searchesShort(q)) return shortSearchSql(q);
  if (!searchesFolded(q)) return Prisma.sql`${Prisma.raw(AUDIT_SEARCH_TEXT)} ILIKE ${containsPattern(q)}`;
  return Prisma.sql`${containsExactly(q)} AND ${Prisma.raw(AUDIT_SEARCH_FOLDED)} LIKE '%' || ${Prisma.raw(
    FOLD_BEFORE,
  )}${q}::text${Prisma.raw(FOLD_AFTER)} || '%'`;
}

/**
 * A one- or two-character `q`: the same exact test as a punctuated one (SHORT_TERM holds only
 * characters every collation lowers alone), plus the tripled text's `LIKE '%triple(lower(q))%'`,
 * which every matching event passes and the tripled index answers. As for the folded test, its
 * statistics alone set the estimate: a common term still reads newest-first, a rare one (or
 * none: a full scan before) goes through the index.
 */
function shortSearchSql(q: string): Prisma.Sql {
  return Prisma.sql`${containsExactly(q)} AND ${Prisma.raw(AUDIT_SEARCH_TRIPLED)} LIKE '%' || ${Prisma.raw(
    TRIPLE_BEFORE,
  )}${q}::text${Prisma.raw(TRIPLE_AFTER)} || '%'`;
}

/** ILIKE's own test of `q` against the searched text, written so no wildcard needs escaping. */
function containsExactly(q: string): Prisma.Sql {
  return Prisma.sql`strpos(lower(${Prisma.raw(AUDIT_SEARCH_TEXT)}), lower(${q}::text)) <> 0`;
}

/** A time from the filter (ISO 8601 with an offset) as the UTC timestamp the columns hold. */
const utc = (iso: string) => Prisma.sql`(${new Date(iso).toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

export function auditWhereSql(f: ResolvedAuditFilter, cursor?: bigint): Prisma.Sql {
  const and: Prisma.Sql[] = [];
  if (f.projectId) and.push(Prisma.sql`"projectId" = ${f.projectId}::uuid`);
  if (f.action) {
    and.push(
      f.action.endsWith('.')
        ? Prisma.sql`"action" LIKE ${`${escapeLike(f.action)}%`}`
        : Prisma.sql`"action" = ${f.action}`,
    );
  }
  if (f.actorLabels) and.push(Prisma.sql`"actorLabel" = ANY(${f.actorLabels}::text[])`);
  else if (f.actor) and.push(Prisma.sql`"actorLabel" ILIKE ${containsPattern(f.actor)}`);
  if (f.subjectType) and.push(Prisma.sql`"subjectType" = ${f.subjectType}`);
  if (f.subjectId) and.push(Prisma.sql`"subjectId" = ${f.subjectId}`);
  if (f.from) and.push(Prisma.sql`"at" >= ${utc(f.from)}`);
  if (f.to) and.push(Prisma.sql`"at" < ${utc(f.to)}`);
  // One estimated test on an indexed text: Postgres' statistics on that expression then let it
  // choose between the trigram index (a rare term) and reading newest-first until the page is
  // full (a common one).
  if (f.q) and.push(searchSql(f.q));
  if (cursor !== undefined) and.push(Prisma.sql`"id" < ${cursor}`);
  return and.length ? Prisma.join(and, ' AND ') : Prisma.sql`TRUE`;
}
