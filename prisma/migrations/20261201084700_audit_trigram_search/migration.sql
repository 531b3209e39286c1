-- Free-text search on the audit page (issue 10's benchmark: 1M events). `ILIKE '%…%'` cannot use
-- a b-tree, so without these the actor filter and `q` read every event (seconds).
-- pg_trgm ships with PostgreSQL's contrib modules: Debian's postgresql-15, the official Docker
-- image and the embedded PostgreSQL all have it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The actor filter: "actorLabel" ILIKE '%…%'.
CREATE INDEX "AuditEvent_actorLabel_trgm_idx" ON "AuditEvent" USING gin ("actorLabel" gin_trgm_ops);

-- `q`: one text of every searched field, separated by U+001F (no one types it, so a match
-- never spans two fields): apps/api/src/audit/audit-query.ts, AUDIT_SEARCH_TEXT, must be this
-- very expression for the planner to use the index. Prisma's schema cannot describe an
-- expression index: it is named in a comment on the model.
CREATE INDEX "AuditEvent_search_trgm_idx" ON "AuditEvent" USING gin ((
  "action" || E'\x1f' || "actorLabel" || E'\x1f' || coalesce("subjectId", '')
  || E'\x1f' || coalesce("data" ->> 'name', '') || E'\x1f' || coalesce("data" ->> 'email', '')
  || E'\x1f' || coalesce("data" ->> 'version', '') || E'\x1f' || coalesce("data" ->> 'environment', '')
  || E'\x1f' || coalesce("data" ->> 'error', '') || E'\x1f' || coalesce("data" ->> 'reason', '')
  || E'\x1f' || coalesce("data" ->> 'comment', '')
) gin_trgm_ops);

-- The planner needs statistics on the new expression to choose between the index and a scan
-- in id order (a common term is found fastest newest-first); creating an index gathers none.
ANALYZE "AuditEvent";
