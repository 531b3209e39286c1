-- Artifact retention: deleted versions keep their row (history, audit, name taken); the
-- project says how many versions to keep. Retention is off (NULL) for every project.

-- CreateEnum
CREATE TYPE "ArtifactDeleteReason" AS ENUM ('manual', 'retention');

-- AlterTable
ALTER TABLE "Artifact" ADD COLUMN     "deletedAt" TIMESTAMP(3),
ADD COLUMN     "deletedById" UUID,
ADD COLUMN     "deleteReason" "ArtifactDeleteReason";

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "retentionKeepNewest" INTEGER,
ADD COLUMN     "retentionKeepDeployedDays" INTEGER;

-- A deleted version always says when and why; a live one says neither.
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_deleted_consistent"
  CHECK (("deletedAt" IS NULL) = ("deleteReason" IS NULL));

-- CreateIndex
CREATE INDEX "Artifact_storageKey_idx" ON "Artifact"("storageKey");
