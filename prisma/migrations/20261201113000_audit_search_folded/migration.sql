-- Free text `q` that holds punctuation (a version `1.0.42`, an email, a host name, a path): pg_trgm
-- splits words at punctuation, so through "AuditEvent_search_trgm_idx" `1.0.42` is the words 1, 0
-- and 42, which nearly every event has (issue 10's bench: 49,230 candidates rechecked for 5,000
-- matches, 270 ms). This index holds the same text lowered, with ' ', '.', '-', '_', '@', ':', '/',
-- '+', ',', '%' and '\' each replaced by 'x' (one character for one), so `1.0.42` is the one word
-- `1x0x42`: apps/api/src/audit/audit-query.ts, AUDIT_SEARCH_FOLDED, must be this very expression
-- (Prisma's schema cannot describe an expression index: it is named in a comment on the model).
-- The query keeps the exact test (case-insensitive substring), so results do not change.
CREATE INDEX "AuditEvent_search_folded_trgm_idx" ON "AuditEvent" USING gin ((
  replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower((
    "action" || E'\x1f' || "actorLabel" || E'\x1f' || coalesce("subjectId", '')
    || E'\x1f' || coalesce("data" ->> 'name', '') || E'\x1f' || coalesce("data" ->> 'email', '')
    || E'\x1f' || coalesce("data" ->> 'version', '') || E'\x1f' || coalesce("data" ->> 'environment', '')
    || E'\x1f' || coalesce("data" ->> 'error', '') || E'\x1f' || coalesce("data" ->> 'reason', '')
    || E'\x1f' || coalesce("data" ->> 'comment', '')
  )), ' ', 'x'), '.', 'x'), '-', 'x'), '_', 'x'), '@', 'x'), ':', 'x'), '/', 'x'), '+', 'x'), ',', 'x'), '%', 'x'), E'\\', 'x')
) gin_trgm_ops);

-- The planner chooses between a trigram index (a rare term) and reading newest-first until the
-- page is full (a common one) from its estimate of how many events a term matches. With the
-- default 100 histogram entries a term in 1 of 200 events is seen in none of them half the time
-- and estimated at 1 in 10,000, and the index path then reads and sorts all its matches. 1,000
-- entries estimate it within a factor of ~2; ANALYZE of this table then samples 300,000 rows
-- (~5 s at 1M events) instead of 30,000.
ALTER INDEX "AuditEvent_search_folded_trgm_idx" ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX "AuditEvent_search_trgm_idx" ALTER COLUMN 1 SET STATISTICS 1000;

-- No parallel scans of the audit table. The planner prices every filter of a row in full (it
-- does not know the folded test only runs where the exact one passed), so a newest-first read
-- for `1.0.42` looks worth two extra workers: on 2 busy cores that made it 2-7x slower (p95
-- 35 ms serial, 248 ms parallel at load 9-12). Every audit page is an index lookup or a
-- newest-first read that stops at its page; only a full scan (a one- or two-character term
-- that matches nothing) loses the workers: up to ~2x slower on idle cores, the same at load 10
-- (3.2 s with them, 3.3 s without, 1M events).
ALTER TABLE "AuditEvent" SET (parallel_workers = 0);

-- Statistics on the new expression (creating an index gathers none).
ANALYZE "AuditEvent";
