-- CreateEnum
CREATE TYPE "DeploymentTargetState" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled');

-- CreateEnum
CREATE TYPE "LogStream" AS ENUM ('stdout', 'stderr', 'system');

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "actorLabel" TEXT NOT NULL DEFAULT 'system',
ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "cancelRequestedBy" TEXT,
ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "logBytes" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "logTruncated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "retryOfId" UUID,
ADD COLUMN     "workerId" TEXT;

-- AlterTable
ALTER TABLE "Target" ADD COLUMN     "hostKeyApprovedAt" TIMESTAMP(3),
ADD COLUMN     "hostKeyApprovedBy" UUID,
ADD COLUMN     "hostKeyFingerprint" TEXT;

-- CreateTable
CREATE TABLE "DeploymentTarget" (
    "id" UUID NOT NULL,
    "deploymentId" UUID NOT NULL,
    "targetId" UUID,
    "targetName" TEXT NOT NULL,
    "batch" INTEGER NOT NULL DEFAULT 0,
    "state" "DeploymentTargetState" NOT NULL DEFAULT 'pending',
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "DeploymentTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeploymentLog" (
    "deploymentId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "targetId" UUID,
    "stream" "LogStream" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "text" TEXT NOT NULL,

    CONSTRAINT "DeploymentLog_pkey" PRIMARY KEY ("deploymentId","seq")
);

-- CreateTable
CREATE TABLE "EnvironmentVariable" (
    "id" UUID NOT NULL,
    "environmentId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "secret" BOOLEAN NOT NULL DEFAULT false,
    "value" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EnvironmentVariable_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeploymentTarget_targetId_idx" ON "DeploymentTarget"("targetId");

-- CreateIndex
CREATE UNIQUE INDEX "DeploymentTarget_deploymentId_targetId_key" ON "DeploymentTarget"("deploymentId", "targetId");

-- CreateIndex
CREATE UNIQUE INDEX "EnvironmentVariable_environmentId_name_key" ON "EnvironmentVariable"("environmentId", "name");

-- CreateIndex
CREATE INDEX "Deployment_environmentId_state_createdAt_idx" ON "Deployment"("environmentId", "state", "createdAt");

-- CreateIndex
CREATE INDEX "Deployment_state_heartbeatAt_idx" ON "Deployment"("state", "heartbeatAt");

-- AddForeignKey
ALTER TABLE "DeploymentTarget" ADD CONSTRAINT "DeploymentTarget_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentTarget" ADD CONSTRAINT "DeploymentTarget_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentLog" ADD CONSTRAINT "DeploymentLog_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentVariable" ADD CONSTRAINT "EnvironmentVariable_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One running deployment per environment, enforced by Postgres itself: a second worker
-- trying to claim another deployment of the same environment fails on this index.
CREATE UNIQUE INDEX "Deployment_one_running_per_environment" ON "Deployment"("environmentId") WHERE "state" = 'running';
