-- Per-target overrides of environment variables (sealed values, like EnvironmentVariable).
CREATE TABLE "TargetVariable" (
    "id" UUID NOT NULL,
    "targetId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "secret" BOOLEAN NOT NULL DEFAULT false,
    "value" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TargetVariable_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "TargetVariable_targetId_name_key" ON "TargetVariable"("targetId", "name");

ALTER TABLE "TargetVariable" ADD CONSTRAINT "TargetVariable_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
