-- Free text `q` of one or two characters (`v1`, `42`, `部署`): no trigram of its own, so neither
-- trigram index helps, and a term that matches little or nothing read every event newest-first
-- (issue 10's bench, 1M events: `q=v1` or `q=部署` 1.0-1.3 s, 40,316 buffers). This index holds
-- the searched text lowered with every character written three times (`v1.2` -> `vvv111...222`):
-- its trigrams are each character (`vvv`) and each pair of adjacent characters of a word
-- (`vv1`, `v11`), so a short term of letters and digits has trigrams here.
-- apps/api/src/audit/audit-query.ts, AUDIT_SEARCH_TRIPLED, must be this very expression
-- (Prisma's schema cannot describe an expression index: it is named in a comment on the model).
-- The query keeps ILIKE's own test, so results do not change.
CREATE INDEX "AuditEvent_search_tripled_trgm_idx" ON "AuditEvent" USING gin ((
  regexp_replace(lower((
    "action" || E'\x1f' || "actorLabel" || E'\x1f' || coalesce("subjectId", '')
    || E'\x1f' || coalesce("data" ->> 'name', '') || E'\x1f' || coalesce("data" ->> 'email', '')
    || E'\x1f' || coalesce("data" ->> 'version', '') || E'\x1f' || coalesce("data" ->> 'environment', '')
    || E'\x1f' || coalesce("data" ->> 'error', '') || E'\x1f' || coalesce("data" ->> 'reason', '')
    || E'\x1f' || coalesce("data" ->> 'comment', '')
  )), '(.)', '\1\1\1', 'g')
) gin_trgm_ops);

-- As for the other two search expressions: 1,000 histogram entries, so a term in 1 of 200
-- events is not estimated at 1 in 10,000 (the planner would then read all its matches through
-- the index and sort them instead of reading newest-first until the page is full).
ALTER INDEX "AuditEvent_search_tripled_trgm_idx" ALTER COLUMN 1 SET STATISTICS 1000;


-- The actor filter (`actorLabel` ILIKE '%…%') with another filter: its trigram index reads
-- nearly all of itself for an email (`bench`, `local`, `@` split it into words every label
-- has; issue 10's bench: 4,346 buffers of a 32 MB (4,096-page) index, 38-49 ms, for
-- `user7@bench.local`), and `q=1.0.42` with an actor took 73-115 ms of SQL. The API now
-- reads the distinct labels first (one descent of this index per distinct label: 42 labels,
-- 128 buffers, 0.9 ms), keeps those that match the same ILIKE, and filters
-- `"actorLabel" = ANY(labels)`, which this index answers (25,000 events: 153 buffers, 3.5 ms)
-- and which has exact statistics. Declared in schema.prisma (@@index([actorLabel, id(sort: Desc)])).
CREATE INDEX "AuditEvent_actorLabel_id_idx" ON "AuditEvent" ("actorLabel", "id" DESC);

-- Statistics on the new expression (creating an index gathers none).
ANALYZE "AuditEvent";
