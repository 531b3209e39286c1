-- Tamper-evident audit: each event carries an HMAC chained to the previous one.
ALTER TABLE "AuditEvent" ADD COLUMN "chainSeq" BIGINT, ADD COLUMN "chainHash" BYTEA;
CREATE UNIQUE INDEX "AuditEvent_chainSeq_key" ON "AuditEvent"("chainSeq");

CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "startsAfterId" BIGINT NOT NULL,
    "seq" BIGINT NOT NULL DEFAULT 0,
    "hash" BYTEA,
    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "AuditChainHead_one_row" CHECK ("id" = 1)
);
-- Events already written stay as they are, outside the chain; Verify reports them as such.
INSERT INTO "AuditChainHead" ("id", "startsAfterId") SELECT 1, COALESCE(MAX("id"), 0) FROM "AuditEvent";
