-- CI token scopes (issue 7): what a token may do, and which environments it may release to.
-- Existing tokens keep what they could do before: push artifacts and release to every
-- non-protected environment (empty list). Nullable as Prisma declares scalar lists; the
-- defaults fill every existing and new row.
ALTER TABLE "ApiToken"
  ADD COLUMN "scopes" TEXT[] DEFAULT ARRAY['artifacts:push', 'release']::TEXT[],
  ADD COLUMN "environmentIds" UUID[] DEFAULT ARRAY[]::UUID[];
